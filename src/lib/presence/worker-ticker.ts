/**
 * A ticker whose clock runs in a dedicated worker. Browsers throttle a background tab's timers (Chrome
 * to once a minute after five hidden minutes); a worker's timers keep their pace, so the heartbeat
 * stays inside the seeds' 90 s window while the person works in another tab.
 */
import { intervalTicker, type Ticker } from './ticker';

const WORKER_SOURCE = `
const timers = new Map();
onmessage = (event) => {
	const { id, ms } = event.data;
	if (ms > 0) timers.set(id, setInterval(() => postMessage(id), ms));
	else { clearInterval(timers.get(id)); timers.delete(id); }
};`;

export function createWorkerTicker(): Ticker {
	let worker: Worker;
	try {
		worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
	} catch {
		// A Content-Security-Policy without blob: workers: fall back to page timers.
		return intervalTicker;
	}
	const ticks = new Map<number, () => void>();
	let nextId = 1;
	worker.onmessage = (event: MessageEvent<number>) => ticks.get(event.data)?.();
	return {
		every(ms, tick) {
			const id = nextId++;
			ticks.set(id, tick);
			worker.postMessage({ id, ms });
			return () => {
				ticks.delete(id);
				worker.postMessage({ id, ms: 0 });
			};
		}
	};
}
