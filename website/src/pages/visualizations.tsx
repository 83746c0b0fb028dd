/** /visualizations: every registered visualization, each computed by the library in the browser. */
import React, { type ReactNode } from 'react';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import Visualization from '@site/src/components/viz/Visualization';
import { visualizations } from '@site/src/components/viz/registry';

export default function VisualizationsPage(): ReactNode {
  return (
    <Layout title="Visualizations" description="Interactive views of delphi-ts primitives, computed in your browser.">
      <main className="container margin-vert--lg">
        <Heading as="h1">Visualizations</Heading>
        <p>
          Each view below runs the library itself in this page: change an input and the numbers are computed again by{' '}
          <code>delphi-ts</code>, not drawn from a recording. The same views can be placed in any tutorial with a{' '}
          <code>```viz</code> block naming the view.
        </p>
        <ul>
          {visualizations.map((v) => (
            <li key={v.id}>
              <a href={`#${v.id}`}>{v.title}</a>
            </li>
          ))}
        </ul>
        {visualizations.map((v) => (
          <div key={v.id} id={v.id}>
            <Visualization id={v.id} headingLevel={2} />
          </div>
        ))}
      </main>
    </Layout>
  );
}
