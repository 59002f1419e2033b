/**
 * The page's side of the answer worker (`answer-courier.worker.ts`): hands it an answer to record
 * and deliver, and hears how it went. Where there is no worker (Node, a Content-Security-Policy
 * without workers, a worker that failed to load or to connect) or its connection is down, `answer`
 * resolves null and the page records and delivers the answer itself, as before.
 */
import type { CourierCommand, CourierEvent } from './answer-courier.worker';
import type { AnswerOutcome } from './inbox-store';
import type { AnswerDelivery } from './inbox';
import type { SignIn } from '../connection';
import type { AnswerRecord } from '../protocol';

export class AnswerCourier {
	#worker: Worker | null = null;
	#up = false;
	#waiting = new Map<number, (outcome: AnswerOutcome) => void>();
	#nextId = 1;

	/** Starts the worker and its connection, named `name`, signed in as the page is. */
	constructor(servers: string[], name: string, signIn: SignIn) {
		if (typeof Worker === 'undefined') return;
		try {
			this.#worker = new Worker(new URL('./answer-courier.worker.ts', import.meta.url), { type: 'module' });
		} catch {
			return;
		}
		this.#worker.onmessage = (event: MessageEvent<CourierEvent>) => this.#handle(event.data);
		this.#worker.onerror = () => this.close();
		this.#worker.postMessage({ type: 'connect', servers, name, signIn } satisfies CourierCommand);
	}

	/** Records and delivers the answer in the worker; null when the page must do it itself. */
	answer(key: string, record: AnswerRecord, delivery: AnswerDelivery): Promise<AnswerOutcome> | null {
		if (!this.#worker || !this.#up) return null;
		const id = this.#nextId++;
		const outcome = new Promise<AnswerOutcome>((resolve) => this.#waiting.set(id, resolve));
		this.#worker.postMessage({
			type: 'answer',
			id,
			key,
			// As it is stored (JSON): a person's choices may come from reactive state, which a message cannot carry.
			record: JSON.parse(JSON.stringify(record)) as AnswerRecord,
			delivery
		} satisfies CourierCommand);
		return outcome;
	}

	/** Ends the worker and its connection. An answer still in it is told it failed. */
	close(): void {
		this.#worker?.terminate();
		this.#worker = null;
		this.#up = false;
		for (const resolve of this.#waiting.values())
			resolve({ kind: 'failed', message: 'the answer worker stopped before it could say' });
		this.#waiting.clear();
	}

	#handle(event: CourierEvent) {
		switch (event.type) {
			case 'up':
				this.#up = true;
				break;
			case 'down':
				this.#up = false;
				break;
			case 'unavailable':
				this.close();
				break;
			case 'answered': {
				const resolve = this.#waiting.get(event.id);
				this.#waiting.delete(event.id);
				const { type: _type, id: _id, ...outcome } = event;
				resolve?.(outcome);
				break;
			}
		}
	}
}
