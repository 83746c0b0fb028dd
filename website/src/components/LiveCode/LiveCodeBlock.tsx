/**
 * A ```ts live block: editable code, a Run button, and what the code printed.
 * The code runs in the page against the library itself (see runner.ts).
 */
import React, { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import clsx from 'clsx';
import useIsBrowser from '@docusaurus/useIsBrowser';
import Editor from './Editor';
import { expectedOutputAfter, programUpTo, registerBlock } from './registry';
import type { RunResult } from './runner';
import styles from './styles.module.css';

export interface LiveCodeBlockProps {
  code: string;
  title?: ReactNode;
}

type State = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; result: RunResult };

function normalize(text: string): string {
  return text.replace(/\s+$/, '');
}

export default function LiveCodeBlock({ code: initial, title }: LiveCodeBlockProps): ReactNode {
  const isBrowser = useIsBrowser();
  const [code, setCode] = useState(initial);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const [expected, setExpected] = useState<string | undefined>(undefined);
  const root = useRef<HTMLDivElement>(null);
  const codeRef = useRef(code);
  codeRef.current = code;

  useEffect(() => {
    const element = root.current;
    if (!element) return undefined;
    return registerBlock({ element, kind: 'code', source: () => codeRef.current });
  }, []);

  const run = useCallback(async () => {
    const element = root.current;
    if (!element) return;
    setState({ phase: 'running' });
    const { runBlocks } = await import('./runner');
    const result = await runBlocks(programUpTo(element));
    setExpected(expectedOutputAfter(element));
    setState({ phase: 'done', result });
  }, []);

  const preload = useCallback(() => {
    void import('./runner').then((m) => m.preloadRunner());
  }, []);

  const result = state.phase === 'done' ? state.result : undefined;
  const matches =
    result && !result.error && expected !== undefined ? normalize(result.output) === normalize(expected) : undefined;

  return (
    <div className={styles.live} ref={root} data-live-block="">
      <div className={styles.toolbar}>
        <span className={styles.badge}>{title ?? 'Live TypeScript'}</span>
        <span className={styles.hint}>runs in your browser · Ctrl+Enter</span>
        <span className={styles.spacer} />
        <button
          type="button"
          className="button button--sm button--secondary"
          disabled={!isBrowser || code === initial}
          onClick={() => {
            setCode(initial);
            setState({ phase: 'idle' });
          }}
        >
          Reset
        </button>
        <button
          type="button"
          className="button button--sm button--primary"
          disabled={!isBrowser || state.phase === 'running'}
          onMouseEnter={preload}
          onFocus={preload}
          onClick={() => void run()}
          data-live-run=""
        >
          {state.phase === 'running' ? 'Running…' : '▶ Run'}
        </button>
      </div>
      <Editor code={code} onChange={setCode} onRun={() => void run()} label="Live TypeScript code (editable)" />
      {state.phase !== 'idle' && (
        <div className={styles.outputPanel} aria-live="polite">
          <div className={styles.outputHeader}>
            <span>Printed</span>
            {result && <span className={styles.timing}>{result.durationMs} ms</span>}
            {matches === true && <span className={styles.ok}>✓ same as the output shown below</span>}
            {matches === false && <span className={styles.differs}>differs from the output shown below</span>}
          </div>
          <pre className={styles.output} data-live-output="" data-live-status={result ? (result.error ? 'error' : 'ok') : 'running'}>
            {result ? result.output : ''}
            {result?.error && (
              <span className={clsx(styles.error, result.output !== '' && styles.errorAfterOutput)} data-live-error="">
                {result.errorInEarlierBlock ? `An earlier code block on this page failed: ${result.error}` : result.error}
              </span>
            )}
            {result && !result.error && result.output === '' && <span className={styles.muted}>(nothing printed)</span>}
          </pre>
        </div>
      )}
    </div>
  );
}
