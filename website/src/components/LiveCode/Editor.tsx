/**
 * A small code editor: a transparent <textarea> over a syntax-highlighted <pre> of the same text,
 * both in the same monospace metrics, so typing edits the text and the colors follow.
 * Tab indents, Escape leaves the editor (so keyboard users are never trapped), Ctrl/⌘+Enter runs.
 */
import React, { useCallback, type KeyboardEvent, type ReactNode } from 'react';
import { Highlight } from 'prism-react-renderer';
import { usePrismTheme } from '@docusaurus/theme-common';
import styles from './styles.module.css';

export interface EditorProps {
  code: string;
  onChange(code: string): void;
  onRun(): void;
  label: string;
}

export default function Editor({ code, onChange, onRun, label }: EditorProps): ReactNode {
  const theme = usePrismTheme();
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLTextAreaElement>) => {
      const area = e.currentTarget;
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        onRun();
      } else if (e.key === 'Escape') {
        area.blur();
      } else if (e.key === 'Tab' && !e.shiftKey) {
        e.preventDefault();
        const { selectionStart: s, selectionEnd: t, value } = area;
        const next = `${value.slice(0, s)}  ${value.slice(t)}`;
        onChange(next);
        requestAnimationFrame(() => area.setSelectionRange(s + 2, s + 2));
      }
    },
    [onChange, onRun],
  );
  return (
    <div className={styles.editorScroll} style={{ backgroundColor: theme.plain.backgroundColor }}>
      <div className={styles.editorInner}>
        <Highlight theme={theme} code={code} language="tsx">
          {({ className, style, tokens, getLineProps, getTokenProps }) => (
            <pre className={`${className} ${styles.highlight}`} style={style} aria-hidden="true">
              {tokens.map((line, i) => (
                <span key={i} {...getLineProps({ line })}>
                  {line.map((token, j) => (
                    <span key={j} {...getTokenProps({ token })} />
                  ))}
                  {i < tokens.length - 1 ? '\n' : ''}
                </span>
              ))}
              {/* a trailing newline is a line in the textarea but not in a <pre>: keep the heights equal */}
              {code.endsWith('\n') ? ' ' : ''}
            </pre>
          )}
        </Highlight>
        <textarea
          className={styles.input}
          value={code}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          aria-label={label}
          style={{ caretColor: theme.plain.color }}
        />
      </div>
    </div>
  );
}
