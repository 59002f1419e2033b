/**
 * A fixed-capacity ring buffer: pushing past capacity drops the oldest, in O(1), with no copying.
 * The traffic view keeps up to 100,000 messages in it and reads only the rows on screen.
 */
export class Ring<T> {
	#items: Array<T | undefined>;
	#start = 0;
	#size = 0;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1)
			throw new RangeError('A ring needs a capacity of at least 1.');
		this.#items = new Array<T | undefined>(capacity);
	}

	get capacity(): number {
		return this.#items.length;
	}

	get size(): number {
		return this.#size;
	}

	push(item: T): void {
		const capacity = this.#items.length;
		if (this.#size < capacity) {
			this.#items[(this.#start + this.#size) % capacity] = item;
			this.#size += 1;
		} else {
			this.#items[this.#start] = item;
			this.#start = (this.#start + 1) % capacity;
		}
	}

	/** The i-th newest item (0 is the newest), or undefined. */
	newest(i: number): T | undefined {
		if (i < 0 || i >= this.#size) return undefined;
		return this.#items[(this.#start + this.#size - 1 - i) % this.#items.length];
	}

	/** Newest first. */
	toArray(): T[] {
		const result: T[] = [];
		for (let i = 0; i < this.#size; i++) result.push(this.newest(i)!);
		return result;
	}

	/** A ring of a new capacity holding the newest items that fit. */
	resized(capacity: number): Ring<T> {
		const next = new Ring<T>(capacity);
		const keep = Math.min(this.#size, capacity);
		for (let i = keep - 1; i >= 0; i--) next.push(this.newest(i)!);
		return next;
	}

	clear(): void {
		this.#items = new Array<T | undefined>(this.#items.length);
		this.#start = 0;
		this.#size = 0;
	}
}
