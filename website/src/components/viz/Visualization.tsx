/**
 * Places a visualization by id: frame, title and summary are rendered on the server; the
 * component itself is loaded and run only in the browser, where it calls the library.
 */
import React, { lazy, Suspense, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import BrowserOnly from '@docusaurus/BrowserOnly';
import ErrorBoundary from '@docusaurus/ErrorBoundary';
import { libraryVersion } from '@generated/delphi-library/default/live-modules.js';
import { findVisualization, visualizations, type VisualizationInfo } from './registry';
import styles from './styles.module.css';

export interface VisualizationProps {
  id: string;
  params?: Record<string, string>;
  /** Heading level of the title (default 3). */
  headingLevel?: 2 | 3 | 4;
}

/** Reads a ```viz block body: the id on the first line, then `key=value` lines. */
export function parseVizBlock(text: string): VisualizationProps {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const params: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const eq = line.indexOf('=');
    if (eq > 0) params[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { id: lines[0] ?? '', params };
}

function Loading(): ReactNode {
  return <div className={styles.loading}>Computing in your browser…</div>;
}

/** True once the element has come within 200 px of the viewport (and from then on). */
function useSeen(enabled: boolean): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(!enabled);
  useEffect(() => {
    if (seen || !ref.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) setSeen(true);
    }, { rootMargin: '200px' });
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [seen]);
  return [ref, seen];
}

function Body({ info, params }: { info: VisualizationInfo; params: Record<string, string> }): ReactNode {
  const Component = useMemo(() => lazy(info.load), [info]);
  const [ref, seen] = useSeen(info.heavy === true);
  if (!seen) {
    return (
      <div ref={ref} className={styles.loading} data-viz-waiting="">
        Computes in your browser when scrolled into view.
      </div>
    );
  }
  return (
    <ErrorBoundary
      fallback={({ error, tryAgain }) => (
        <div className={styles.failure} role="alert">
          The visualization failed: {error.message}{' '}
          <button type="button" className="button button--sm button--secondary" onClick={tryAgain}>
            Try again
          </button>
        </div>
      )}
    >
      <Suspense fallback={<Loading />}>
        <Component params={params} />
      </Suspense>
    </ErrorBoundary>
  );
}

export default function Visualization({ id, params = {}, headingLevel = 3 }: VisualizationProps): ReactNode {
  const info = findVisualization(id);
  if (!info) {
    return (
      <div className={styles.failure} role="alert">
        Unknown visualization “{id}”. Known: {visualizations.map((v) => v.id).join(', ')}.
      </div>
    );
  }
  const Heading = `h${headingLevel}` as const;
  return (
    <section className={styles.frame} data-viz={info.id}>
      <header className={styles.header}>
        <Heading className={styles.title}>{info.title}</Heading>
        <p className={styles.summary}>{info.summary}</p>
      </header>
      <BrowserOnly fallback={<Loading />}>{() => <Body info={info} params={params} />}</BrowserOnly>
      <footer className={styles.footer}>
        Computed in your browser by delphi-ts {libraryVersion} ({info.uses.map((u) => <code key={u}>{u}</code>)}).
      </footer>
    </section>
  );
}
