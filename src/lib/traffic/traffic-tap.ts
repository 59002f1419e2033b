/**
 * The traffic view's subscriptions on a connection of their own, read where the page's main thread
 * is not (the traffic worker): everything read is handed on in batches (`TrafficBatcher`), one at a
 * time, the next once the page says it has taken the last. A page busy for a while gets one larger
 * batch, not a queue of them. Any runtime: the worker runs it, a Node test runs it against a server.
 */
import { errors, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { abandonSilentSocket, describePermissionViolation, type SignIn } from '../connection';
import { TrafficBatcher, type TrafficBatch } from './traffic-batch';

/** How often routine traffic is handed to the page, at most. */
const BATCH_EVERY_MS = 16;

export type TapCommand =
	| { type: 'connect'; servers: string[]; signIn: SignIn; name: string }
	/** Answered with `confirmed` once the server has every one of them. */
	| { type: 'subscribe'; subjects: string[]; confirm: number }
	| { type: 'unsubscribe'; subject: string }
	/** How many messages the page's list keeps. */
	| { type: 'keep'; capacity: number }
	/** The page has taken the last batch. */
	| { type: 'taken' }
	| { type: 'close' };

export type TapEvent =
	| { type: 'connected' }
	| { type: 'failed'; reason: string }
	| { type: 'confirmed'; confirm: number }
	| { type: 'batch'; batch: TrafficBatch }
	| { type: 'refused'; reason: string };

export type TapPost = (event: TapEvent, transfer?: Transferable[]) => void;

export class TrafficTap {
	#nc: NatsConnection;
	#post: TapPost;
	#batcher = new TrafficBatcher();
	#subscriptions = new Map<string, Subscription>();
	/** A batch is with the page and not yet taken. */
	#handedOver = false;
	#scheduled = false;
	#handedAt = Number.NEGATIVE_INFINITY;

	constructor(nc: NatsConnection, post: TapPost) {
		this.#nc = nc;
		this.#post = post;
		void this.#watch();
	}

	subscribe(subjects: readonly string[], confirm: number): void {
		for (const subject of subjects) {
			if (this.#subscriptions.has(subject)) continue;
			this.#subscriptions.set(
				subject,
				this.#nc.subscribe(subject, {
					callback: (error, msg) => {
						if (error) return;
						const headers: Array<[string, string]> = [];
						if (msg.headers) for (const [key, values] of msg.headers) headers.push([key, values.join(', ')]);
						this.#batcher.add({
							subject: msg.subject,
							reply: msg.reply ?? null,
							data: msg.data,
							headers,
							receivedAt: Date.now()
						});
						this.#schedule();
					}
				})
			);
		}
		const confirmed = () => this.#post({ type: 'confirmed', confirm });
		this.#nc.flush().then(confirmed, confirmed);
	}

	unsubscribe(subject: string): void {
		this.#subscriptions.get(subject)?.unsubscribe();
		this.#subscriptions.delete(subject);
	}

	keep(capacity: number): void {
		this.#batcher.keep = capacity;
	}

	taken(): void {
		this.#handedOver = false;
		this.#schedule();
	}

	async close(): Promise<void> {
		for (const subscription of this.#subscriptions.values()) subscription.unsubscribe();
		this.#subscriptions.clear();
		await this.#nc.close().catch(() => undefined);
	}

	/**
	 * Routine traffic is handed over at most once a frame (16 ms): a batch per socket read would
	 * carry a few messages each, and the roster's sightings compact only across many. What people
	 * wait on goes as soon as the page has taken the last batch.
	 */
	#schedule() {
		if (this.#handedOver || this.#scheduled) return;
		this.#scheduled = true;
		const wait = this.#batcher.urgent ? 0 : Math.max(0, this.#handedAt + BATCH_EVERY_MS - performance.now());
		setTimeout(() => {
			this.#scheduled = false;
			if (this.#handedOver) return;
			const taken = this.#batcher.take();
			if (!taken) return;
			this.#handedOver = true;
			this.#handedAt = performance.now();
			this.#post({ type: 'batch', batch: taken.batch }, taken.transfer);
		}, wait);
	}

	async #watch() {
		for await (const event of this.#nc.status()) {
			if (event.type === 'error' && event.error instanceof errors.PermissionViolationError)
				this.#post({
					type: 'refused',
					reason: describePermissionViolation(event.error.operation, event.error.subject)
				});
			else if (event.type === 'staleConnection') abandonSilentSocket(this.#nc);
		}
	}
}
