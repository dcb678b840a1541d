/** ESP with keys: SA model and table, SA file loaders, packet opening, NULL heuristic, anti-replay window. */
export * from './sa.js';
export * from './load.js';
export * from './open.js';
export * from './replay.js';
