/** Steering agents (pause, resume, stop a task, a new goal, ping) and the audit trail. Any runtime. */
export * from './audit-store';
export * from './steer';
