/** Everything that talks HTTP to RunBlob, one job per module. */
export * from './budgetedRead';
export * from './download';
export * from './errors';
export * from './http';
export * from './resumeKey';
export * from './retry';
export * from './settings';
