/** Runs `flush` on the next animation frame; a hidden tab gets no frames, so a timer stands in there. */
export type Schedule = (flush: () => void) => void;

export const nextFrame: Schedule = (flush) => {
	const hidden = typeof document !== 'undefined' && document.hidden;
	if (typeof requestAnimationFrame === 'function' && !hidden) requestAnimationFrame(flush);
	else setTimeout(flush, 100);
};

/**
 * Runs `task` as a new task, soon: after the browser has had the chance to draw a frame and handle
 * input, taking turns with the network's tasks (messages arriving). A message channel, not a timer:
 * a hidden tab slows timers to one a second, or a minute. Node (tests, the SDK) has no page to keep
 * responsive: a timer there.
 *
 * Not `scheduler.postTask` at background priority: during a flood it ran only once the socket was
 * quiet, so the roster stood still while the backlog grew without bound (4.6 GB in one benchmark).
 */
export type TaskScheduler = (task: () => void) => void;

export const nextTask: TaskScheduler = (() => {
	if (typeof document === 'undefined' || typeof MessageChannel !== 'function')
		return (task: () => void) => void setTimeout(task, 0);
	const channel = new MessageChannel();
	const queued: Array<() => void> = [];
	channel.port1.onmessage = () => queued.shift()?.();
	return (task: () => void) => {
		queued.push(task);
		channel.port2.postMessage(null);
	};
})();
