/** Line plot of one or more series (e.g. cost per bound, noise budget per operation). */
import React, { type ReactNode } from 'react';
import { linear, niceTicks, shortNumber } from './scale';
import styles from '../styles.module.css';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Draw as a dashed reference line. */
  reference?: boolean;
}

export default function LinePlot(props: { series: Series[]; xLabel: string; yLabel: string; height?: number; yMin?: number }): ReactNode {
  const width = 720;
  const height = props.height ?? 280;
  const m = { top: 12, right: 12, bottom: 42, left: 56 };
  const all = props.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yTicks = niceTicks(props.yMin ?? Math.min(0, ...ys), Math.max(...ys));
  const yLo = Math.min(yTicks[0], props.yMin ?? Math.min(0, ...ys));
  const yHi = Math.max(yTicks[yTicks.length - 1], ...ys);
  const x = linear(xMin, xMax, m.left, width - m.right);
  const y = linear(yLo, yHi, height - m.bottom, m.top);
  const xTicks = niceTicks(xMin, xMax, 8).filter((t) => t >= xMin && t <= xMax);
  return (
    <figure className={styles.chart}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${props.yLabel} against ${props.xLabel}`}>
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={m.left} x2={width - m.right} y1={y(t)} y2={y(t)} className={styles.grid} />
            <text x={m.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className={styles.tick}>
              {shortNumber(t)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={`x${t}`} x={x(t)} y={height - m.bottom + 16} textAnchor="middle" className={styles.tick}>
            {shortNumber(t)}
          </text>
        ))}
        {props.series.map((s, i) => (
          <polyline
            key={s.name}
            points={s.points.map(([a, b]) => `${x(a).toFixed(2)},${y(b).toFixed(2)}`).join(' ')}
            className={s.reference ? styles.reference : styles[`series${i % 3}`]}
          />
        ))}
        <line x1={m.left} x2={width - m.right} y1={height - m.bottom} y2={height - m.bottom} className={styles.axis} />
        <text x={(m.left + width - m.right) / 2} y={height - 6} textAnchor="middle" className={styles.axisLabel}>
          {props.xLabel}
        </text>
        <text transform={`translate(14 ${(m.top + height - m.bottom) / 2}) rotate(-90)`} textAnchor="middle" className={styles.axisLabel}>
          {props.yLabel}
        </text>
      </svg>
      <figcaption className={styles.legend}>
        {props.series.map((s, i) => (
          <span key={s.name} className={styles.legendItem}>
            <span className={s.reference ? styles.legendReference : styles[`legendSeries${i % 3}`]} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
