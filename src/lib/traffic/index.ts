/** Every message seen on the bus, decoded once, kept in a bounded ring, filtered. Any runtime. */
export * from './traffic';
export { Ring } from './ring';
export { nextFrame, nextTask, type Schedule } from './frame';
