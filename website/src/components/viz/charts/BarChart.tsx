/** Bar chart with an optional "expected" marker per bar (histograms against a distribution). */
import React, { type ReactNode } from 'react';
import { linear, niceTicks, shortNumber } from './scale';
import styles from '../styles.module.css';

export interface Bar {
  label: string;
  value: number;
  expected?: number;
}

export default function BarChart(props: {
  bars: Bar[];
  xLabel: string;
  yLabel: string;
  valueName?: string;
  expectedName?: string;
  height?: number;
}): ReactNode {
  const { bars } = props;
  const width = 720;
  const height = props.height ?? 280;
  const m = { top: 12, right: 12, bottom: 42, left: 56 };
  const yMax = Math.max(1, ...bars.map((b) => Math.max(b.value, b.expected ?? 0)));
  const ticks = niceTicks(0, yMax);
  const top = Math.max(yMax, ticks[ticks.length - 1]);
  const y = linear(0, top, height - m.bottom, m.top);
  const band = (width - m.left - m.right) / Math.max(1, bars.length);
  const labelEvery = Math.ceil(bars.length / 24);
  const hasExpected = bars.some((b) => b.expected !== undefined);
  return (
    <figure className={styles.chart}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${props.yLabel} by ${props.xLabel}`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className={styles.grid} />
            <text x={m.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className={styles.tick}>
              {shortNumber(t)}
            </text>
          </g>
        ))}
        {bars.map((b, i) => {
          const x = m.left + i * band;
          return (
            <g key={b.label}>
              <rect x={x + band * 0.12} width={band * 0.76} y={y(b.value)} height={Math.max(0, y(0) - y(b.value))} className={styles.bar}>
                <title>{`${b.label}: ${b.value}${b.expected !== undefined ? ` (expected ${b.expected.toFixed(1)})` : ''}`}</title>
              </rect>
              {b.expected !== undefined && (
                <line x1={x + band * 0.05} x2={x + band * 0.95} y1={y(b.expected)} y2={y(b.expected)} className={styles.expected} />
              )}
              {i % labelEvery === 0 && (
                <text x={x + band / 2} y={height - m.bottom + 16} textAnchor="middle" className={styles.tick}>
                  {b.label}
                </text>
              )}
            </g>
          );
        })}
        <line x1={m.left} x2={width - m.right} y1={y(0)} y2={y(0)} className={styles.axis} />
        <text x={(m.left + width - m.right) / 2} y={height - 6} textAnchor="middle" className={styles.axisLabel}>
          {props.xLabel}
        </text>
        <text transform={`translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)`} textAnchor="middle" className={styles.axisLabel}>
          {props.yLabel}
        </text>
      </svg>
      <figcaption className={styles.legend}>
        <span className={styles.legendBar} /> {props.valueName ?? 'measured'}
        {hasExpected && (
          <>
            <span className={styles.legendExpected} /> {props.expectedName ?? 'expected'}
          </>
        )}
      </figcaption>
    </figure>
  );
}
