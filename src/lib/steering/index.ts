/** Steering agents (pause, resume, stop a task, a new goal, ping). Any runtime. */
export * from './steer';
