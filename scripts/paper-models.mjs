#!/usr/bin/env node
// Writes the Delphi paper's CIFAR networks to models/ in the delphi-ts JSON format (spec §8.4,
// §8.14): MiniONN's CIFAR-10 network (173,056 ReLUs) and ResNet-32 (303,104 ReLUs), as Delphi's
// experiments define their layers, with RANDOM seeded weights (for timing and cost; predictions
// mean nothing) and, on request, the planner configurations of Delphi's experiments (some
// activation layers quadratic). The files are a few MB each, so they are generated, not committed.
//
//   npm run build && node scripts/paper-models.mjs [--network minionn|resnet32|all]
//       [--quadratic N[,N...]|all] [--first K] [--seed TEXT] [--out DIR]
//
// --quadratic 0 (the default) is the all-ReLU network; N is Delphi's `num_poly` (quadratic
// activation layers) of Delphi's tables: minionn 0,1,2,3,5,6,7; resnet32 0,6,12,14,...,26.
// --first K keeps the first K activation layers then a dense layer to 10 (smoke runs).
// Prints one line per file: path, name, activations and size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countActivations, paperNetwork, serializeModel, MINIONN_RELU_LAYERS, RESNET32_QUADRATIC_LAYERS } from '../dist/nn/index.js';
import { fromTextSeed } from '../dist/random/index.js';

const { values } = parseArgs({
  options: {
    network: { type: 'string', default: 'all' },
    quadratic: { type: 'string', default: '0' },
    first: { type: 'string' },
    seed: { type: 'string', default: 'delphi-ts/models/paper' },
    out: { type: 'string', default: new URL('../models', import.meta.url).pathname },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('Usage: node scripts/paper-models.mjs [--network minionn|resnet32|all] [--quadratic N[,N...]|all] [--first K] [--seed TEXT] [--out DIR]\n');
  process.exit(0);
}
const networks = values.network === 'all' ? ['minionn', 'resnet32'] : [values.network];
for (const n of networks) {
  if (n !== 'minionn' && n !== 'resnet32') throw new Error(`--network must be minionn, resnet32 or all, got ${JSON.stringify(n)}`);
}
const first = values.first === undefined ? undefined : Number(values.first);
mkdirSync(values.out, { recursive: true });
for (const network of networks) {
  const configs =
    values.quadratic === 'all'
      ? [0, ...Object.keys(network === 'minionn' ? MINIONN_RELU_LAYERS : RESNET32_QUADRATIC_LAYERS).map(Number).filter((q) => q > 0)]
      : values.quadratic.split(',').map(Number);
  for (const quadratic of configs) {
    // One seed per network: every configuration of a network has the same weights.
    const model = paperNetwork(network, fromTextSeed(`${values.seed}/${network}`), { quadratic, activationLayers: first });
    const text = serializeModel(model, { weights: 'float32-base64' });
    const file = join(values.out, `${model.name}.json`);
    writeFileSync(file, text);
    const a = countActivations(model);
    console.log(`${file}  ${model.name}  ${a.relu} ReLUs + ${a.quadratic} quadratics  ${(text.length / 1e6).toFixed(2)} MB`);
  }
}
