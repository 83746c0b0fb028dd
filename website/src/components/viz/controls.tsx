/** Form controls shared by the visualizations (labelled, keyboard-usable, test-addressable). */
import React, { useId, type ReactNode } from 'react';
import styles from './styles.module.css';

export function Controls({ children }: { children: ReactNode }): ReactNode {
  return <div className={styles.controls}>{children}</div>;
}

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onChange(value: string): void;
}): ReactNode {
  const id = useId();
  return (
    <label className={styles.field} htmlFor={id}>
      <span>{props.label}</span>
      <input id={id} name={props.name} type="text" value={props.value} spellCheck={false} onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}

/** A slider with a number box beside it; both edit the same integer. */
export function IntegerField(props: {
  label: string;
  name: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange(value: number): void;
}): ReactNode {
  const id = useId();
  const set = (raw: string) => {
    const v = Number(raw);
    if (Number.isInteger(v) && v >= props.min && v <= props.max) props.onChange(v);
  };
  return (
    <label className={styles.field} htmlFor={id}>
      <span>{props.label}</span>
      <span className={styles.range}>
        <input type="range" min={props.min} max={props.max} step={props.step ?? 1} value={props.value} aria-label={props.label} onChange={(e) => set(e.target.value)} />
        <input id={id} name={props.name} type="number" min={props.min} max={props.max} step={props.step ?? 1} value={props.value} onChange={(e) => set(e.target.value)} />
      </span>
    </label>
  );
}

export function SelectField<T extends string | number>(props: {
  label: string;
  name: string;
  value: T;
  options: readonly T[];
  format?(v: T): string;
  onChange(value: T): void;
}): ReactNode {
  const id = useId();
  return (
    <label className={styles.field} htmlFor={id}>
      <span>{props.label}</span>
      <select id={id} name={props.name} value={String(props.value)} onChange={(e) => props.onChange(props.options.find((o) => String(o) === e.target.value)!)}>
        {props.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {props.format ? props.format(o) : String(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A checkbox (e.g. an explicit opt-in). */
export function CheckboxField(props: { label: string; name: string; checked: boolean; onChange(checked: boolean): void }): ReactNode {
  const id = useId();
  return (
    <label className={styles.checkbox} htmlFor={id}>
      <input id={id} name={props.name} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

/** A row of labelled figures (e.g. measured vs expected statistics). */
export function Stats({ items }: { items: { label: string; value: string; name: string }[] }): ReactNode {
  return (
    <dl className={styles.stats}>
      {items.map((s) => (
        <div key={s.name} data-stat={s.name}>
          <dt>{s.label}</dt>
          <dd>{s.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The numbers behind a chart, collapsed by default (screen readers and tests read them here). */
export function DataTable(props: {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
  name: string;
}): ReactNode {
  return (
    <details className={styles.data}>
      <summary>{props.caption}</summary>
      <table data-table={props.name}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
