/**
 * The published figures `delphi bench --paper` sets beside its measurements, each with its source.
 * "not verified here" marks a figure the Delphi paper reports (USENIX Security 2020, §7) whose
 * value has not yet been checked against the paper's text.
 * @module
 */

/** One published figure. */
export interface PublishedFigure {
  readonly network: string;
  readonly what: string;
  readonly value: string;
  readonly source: string;
}

/** What the published figures are and where they come from. */
export const PUBLISHED_NOTE = "The figures beside which `delphi bench --paper` (npm run bench:paper) sets delphi-ts's. Each has its source; \"not verified here\" marks a figure the paper reports (Delphi, USENIX Security 2020, §7 Evaluation) whose value this project has not yet checked against the paper's text: fill it in with the table or figure number. Delphi's figures were measured on server-class machines with several cores, not on this 2-core machine.";

/** The published figures, with their sources. */
export const PUBLISHED_FIGURES: readonly PublishedFigure[] = [
  { network: 'MiniONN (CIFAR-10)', what: 'ReLUs, activation layers', value: '173,056 in 7 layers', source: "Delphi's experiments, rust/experiments/src/minionn.rs (layer shapes); delphi-ts test/nn/paper-networks.delphi-code.test.ts" },
  { network: 'ResNet-32 (CIFAR-100)', what: 'ReLUs, activation layers', value: '303,104 in 31 layers', source: "Delphi's experiments, rust/experiments/src/resnet32.rs (layer shapes); delphi-ts test/nn/paper-networks.delphi-code.test.ts" },
  { network: 'both', what: 'online latency versus Gazelle', value: '22× lower', source: 'Delphi paper, abstract' },
  { network: 'both', what: 'garbling one ReLU / evaluating one ReLU, one server core', value: '≈102 µs / ≈54 µs', source: "Delphi's Rust code as measured in delphi-ts issue #22 (not a paper figure)" },
  { network: 'both', what: 'garbled circuit stored per ReLU', value: '≈18.2 kB (≈3.2 GB for MiniONN, ≈5.5 GB for ResNet-32); delphi-ts: 8,256 B', source: "Delphi's Rust code as measured in delphi-ts issue #22 (not a paper figure)" },
  { network: 'MiniONN (CIFAR-10)', what: 'preprocessing and online latency, communication (all-ReLU and planned)', value: 'not verified here', source: 'Delphi paper §7 (evaluation figures for MiniONN)' },
  { network: 'ResNet-32 (CIFAR-100)', what: 'preprocessing and online latency, communication (all-ReLU and planned)', value: 'not verified here', source: 'Delphi paper §7 (evaluation figures for ResNet-32)' },
  { network: 'both', what: 'accuracy of each planned configuration (quadratic layers)', value: "not verified here; not comparable (delphi-ts's paper models have random weights)", source: 'Delphi paper §7 (planner evaluation); configurations: rust/experiments/src/minionn.rs, resnet32.rs' },
];
