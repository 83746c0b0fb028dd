/** Bytes as a hex grid, each cell shaded by its value (so patterns, or their absence, show). */
import React, { type ReactNode } from 'react';
import styles from '../styles.module.css';

export default function ByteGrid({ bytes, columns = 16, name }: { bytes: Uint8Array; columns?: number; name: string }): ReactNode {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
  return (
    <div className={styles.byteGrid} style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} data-bytes={name} data-hex={hex.join('')}>
      {hex.map((h, i) => (
        <span key={i} className={styles.byte} style={{ backgroundColor: `hsl(${(bytes[i] * 360) / 256} 65% 50% / ${0.15 + (bytes[i] / 255) * 0.55})` }} title={`byte ${i}: 0x${h} = ${bytes[i]}`}>
          {h}
        </span>
      ))}
    </div>
  );
}
