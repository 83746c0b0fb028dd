/** /private-inference: this browser as the client of a real `delphi serve`, over a WebSocket. */
import React, { type ReactNode } from 'react';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import BrowserOnly from '@docusaurus/BrowserOnly';
import RemoteInference from '@site/src/components/remote/RemoteInference';

export default function PrivateInferencePage(): ReactNode {
  return (
    <Layout title="Private inference against a server" description="Your browser runs the Delphi client against a delphi serve process over a WebSocket.">
      <main className="container margin-vert--lg">
        <Heading as="h1">Private inference against a server</Heading>
        <p>
          Here this browser is the <em>client</em>: it holds the digit. A <code>delphi serve</code> process is the <em>server</em>: it holds the
          model (<code>models/mnist-small.json</code>). They run Delphi&apos;s protocol over a WebSocket — setup, preprocessing, then the
          online phase — and only the browser learns the prediction. The client runs in a Web Worker, so this page stays responsive while it
          computes. Unlike the in-page demo on the visualizations page, the two parties are separate programs here: the server really sees
          only what is listed under <em>The server&apos;s view</em>.
        </p>
        <p>
          The server accepts pages served from this machine by default (<code>--ws-origin</code> adds others). The client speaks the
          server&apos;s service protocol: the first run opens a <em>session</em> and runs its setup once (with Delphi&apos;s parameters the
          browser uploads about 12 MB of BFV keys), then each run preprocesses one one-time slot and runs the online phase on it. The
          session stays open while you stay on this page, so a second run needs no setup; <em>End session</em> closes it. The insecure
          dealer runs in a second but protects nothing.
        </p>
        <BrowserOnly fallback={<p>Loading the client…</p>}>{() => <RemoteInference />}</BrowserOnly>
      </main>
    </Layout>
  );
}
