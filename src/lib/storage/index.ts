/**
 * Switchboard's storage on the server: what it is (specs.ts), provisioning and checking it
 * (provision.ts), and reading it back in bounded batches (read.ts).
 */
export * from './specs';
export * from './provision';
export * from './read';
