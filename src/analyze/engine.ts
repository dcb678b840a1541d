/**
 * The analysis engine (engine-core.ts), made to take dissected packets too:
 * createEngine() gives it the fields the dissectors declare, which loads them.
 */
import { Engine, type EngineOptions } from './engine-core.js';
import { resolveFields } from './fields.js';

export * from './engine-core.js';

/** An engine for dissected packets (feed()) and facts (feedFacts()). */
export function createEngine(opts: EngineOptions = {}): Engine {
  return new Engine(opts, resolveFields);
}
