/**
 * The page's handle on the traffic worker (traffic.worker.ts): opens it with the page's sign-in,
 * subscribes and confirms, and hands each batch to the feed. Browser only.
 */
import type { SignIn } from '../connection';
import type { TrafficBatch } from './traffic-batch';
import type { TapCommand, TapEvent } from './traffic-tap';

/** A worker that has not connected in this long is given up on: the page reads the traffic itself. */
const CONNECT_WITHIN_MS = 10_000;

export interface TrafficWorkerHandlers {
	batch(batch: TrafficBatch): void;
	refused(reason: string): void;
}

export class TrafficWorker {
	#worker: Worker;
	#confirms = new Map<number, () => void>();
	#nextConfirm = 1;

	private constructor(worker: Worker) {
		this.#worker = worker;
	}

	/** The worker, connected as `name`; or why it could not be, in words (the page then reads the traffic itself). */
	static open(
		join: { servers: string[]; signIn: SignIn; name: string },
		handlers: TrafficWorkerHandlers
	): Promise<TrafficWorker | string> {
		let worker: Worker;
		try {
			worker = new Worker(new URL('./traffic.worker.ts', import.meta.url), { type: 'module' });
		} catch (error) {
			return Promise.resolve(`the traffic worker could not start (${String(error)})`);
		}
		const opened = new TrafficWorker(worker);
		return new Promise((resolve) => {
			const giveUp = (reason: string) => {
				worker.terminate();
				resolve(reason);
			};
			const timer = setTimeout(() => giveUp('the traffic worker did not connect in time'), CONNECT_WITHIN_MS);
			worker.onerror = (event) => {
				clearTimeout(timer);
				giveUp(`the traffic worker failed to load (${event.message || 'no reason given'})`);
			};
			worker.onmessage = (event: MessageEvent<TapEvent>) => {
				const message = event.data;
				switch (message.type) {
					case 'connected':
						clearTimeout(timer);
						resolve(opened);
						break;
					case 'failed':
						clearTimeout(timer);
						giveUp(message.reason);
						break;
					case 'confirmed':
						opened.#confirms.get(message.confirm)?.();
						opened.#confirms.delete(message.confirm);
						break;
					case 'batch':
						handlers.batch(message.batch);
						opened.#send({ type: 'taken' });
						break;
					case 'refused':
						handlers.refused(message.reason);
						break;
				}
			};
			opened.#send({ type: 'connect', ...join });
		});
	}

	/** Resolves once the server has the subscriptions: from then on nothing sent on them is missed. */
	subscribe(subjects: readonly string[]): Promise<void> {
		const confirm = this.#nextConfirm++;
		return new Promise((resolve) => {
			this.#confirms.set(confirm, resolve);
			this.#send({ type: 'subscribe', subjects: [...subjects], confirm });
		});
	}

	unsubscribe(subject: string): void {
		this.#send({ type: 'unsubscribe', subject });
	}

	keep(capacity: number): void {
		this.#send({ type: 'keep', capacity });
	}

	/** Closes the worker's connection, then the worker. */
	close(): void {
		this.#send({ type: 'close' });
		for (const resolve of this.#confirms.values()) resolve();
		this.#confirms.clear();
		// Should the worker not close itself (a connection that hangs while closing), it is ended.
		setTimeout(() => this.#worker.terminate(), 2_000);
	}

	#send(command: TapCommand) {
		this.#worker.postMessage(command);
	}
}
