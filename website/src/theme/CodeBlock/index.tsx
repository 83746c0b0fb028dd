/**
 * Wraps the theme's CodeBlock (swizzled with --wrap) to give fenced blocks of the repository's
 * Markdown three extra meanings, all of which still read as plain code blocks on GitHub:
 *
 * - ```ts live — an editable block with a Run button that runs it in the page (LiveCode);
 * - ```ts / ```output — ordinary blocks, registered so that a live block can run the code above
 *   it and compare its result with the output block below it;
 * - ```viz — the body names a visualization (`id`, then optional `key=value` lines) that is
 *   rendered in its place, computed by the library in the browser;
 * - a block without a language (the spec's ASCII diagrams) is scaled down to fit the page's width
 *   rather than cut off (custom.css, `data-code-kind="diagram"`).
 */
import React, { useEffect, useRef, type ReactNode } from 'react';
import CodeBlock from '@theme-original/CodeBlock';
import type { Props } from '@theme/CodeBlock';
import LiveCodeBlock from '@site/src/components/LiveCode/LiveCodeBlock';
import { registerBlock } from '@site/src/components/LiveCode/registry';
import Visualization, { parseVizBlock } from '@site/src/components/viz/Visualization';

const PROGRAM_LANGUAGES = new Set(['ts', 'typescript']);

function languageOf(props: Props): string | undefined {
  return props.language ?? /(?:^|\s)language-(\S+)/.exec(props.className ?? '')?.[1];
}

function textOf(children: ReactNode): string | undefined {
  if (typeof children === 'string') return children.replace(/\n$/, '');
  if (Array.isArray(children) && children.every((c) => typeof c === 'string')) return children.join('').replace(/\n$/, '');
  return undefined;
}

function Registered({ kind, text, children }: { kind: 'code' | 'output'; text: string; children: ReactNode }): ReactNode {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    return element ? registerBlock({ element, kind, source: () => text }) : undefined;
  }, [kind, text]);
  return (
    <div ref={ref} data-code-kind={kind}>
      {children}
    </div>
  );
}

/** A plain block whose font shrinks (down to a floor) so that its longest line fits the column. */
function Diagram({ text, children }: { text: string; children: ReactNode }): ReactNode {
  const columns = Math.max(...text.split('\n').map((line) => [...line].length));
  return (
    <div data-code-kind="diagram" style={{ '--diagram-columns': columns } as React.CSSProperties}>
      {children}
    </div>
  );
}

export default function CodeBlockWrapper(props: Props): ReactNode {
  const language = languageOf(props);
  const text = textOf(props.children);
  if (text !== undefined && (language === undefined || language === 'text')) {
    return (
      <Diagram text={text}>
        <CodeBlock {...props} />
      </Diagram>
    );
  }
  if (text === undefined || language === undefined) return <CodeBlock {...props} />;
  const live = /(?:^|\s)live(?:\s|$)/.test(props.metastring ?? '');
  if (language === 'viz') return <Visualization {...parseVizBlock(text)} />;
  if (live && PROGRAM_LANGUAGES.has(language)) return <LiveCodeBlock code={text} title={props.title} />;
  if (PROGRAM_LANGUAGES.has(language)) {
    return (
      <Registered kind="code" text={text}>
        <CodeBlock {...props} />
      </Registered>
    );
  }
  if (language === 'output') {
    return (
      <Registered kind="output" text={text}>
        <CodeBlock {...props} title={props.title ?? 'Output'} />
      </Registered>
    );
  }
  return <CodeBlock {...props} />;
}
