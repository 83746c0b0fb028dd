/**
 * Registry of `delphi` sub-commands, in the order `delphi --help` lists them.
 * @module
 */
import type { CliCommand } from '../command.js';
import { demoCommand } from './demo.js';
import { inferCommand } from './infer.js';
import { planCommand } from './plan.js';
import { preprocessCommand } from './preprocess.js';
import { sealCommand } from './seal.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';
import { vectorsCommand } from './vectors.js';
import { gcCommand } from './gc.js';
import { inspectCommand } from './inspect.js';
import { benchCommand } from './bench.js';

export const COMMANDS: readonly CliCommand[] = [demoCommand, vectorsCommand, sealCommand, trainCommand, serveCommand, preprocessCommand, inferCommand, gcCommand, planCommand, inspectCommand, benchCommand];
