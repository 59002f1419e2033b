/** Questions and blockers for people, their claims and write-once answers. Any runtime. */
export * from './inbox';
export * from './inbox-store';
