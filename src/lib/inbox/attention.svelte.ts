/**
 * Getting a person's attention for a new inbox item: an unread count for the tab title, a desktop
 * notification (permission asked only when the person clicks), and an optional sound for blockers.
 * One notification per item, even with several tabs open. Driven by events (the inbox calls
 * `arrived` once per new item), never by an effect that reads what it writes.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { InboxItem } from './inbox';

const NOTIFIED_KEY = 'switchboard:notified';
const SOUND_KEY = 'switchboard:blocker-sound';

type Permission = NotificationPermission | 'unsupported';

export class Attention {
	/** Keys of the items that arrived while the person was not looking, until they look. */
	readonly unseen = new SvelteSet<string>();
	/** Called when the person clicks an item's notification: bring that item into view. */
	onOpen: ((key: string) => void) | null = null;
	permission = $state<Permission>(
		typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
	);
	blockerSound = $state(typeof localStorage !== 'undefined' && localStorage.getItem(SOUND_KEY) === 'on');

	/** Asks for notification permission; call only from a click. */
	async enableNotifications(): Promise<void> {
		if (typeof Notification === 'undefined') return;
		this.permission = await Notification.requestPermission();
	}

	setBlockerSound(on: boolean): void {
		this.blockerSound = on;
		try {
			localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
		} catch {
			// storage disabled: the setting lasts for this tab
		}
	}

	/** The person is looking at the inbox. */
	markRead(): void {
		this.unseen.clear();
	}

	/** A new open item arrived live: called once per item. */
	arrived(item: InboxItem, looking: boolean): void {
		const who = item.kind === 'blocker' ? `${item.from} is blocked` : `${item.from} asks`;
		this.#notify(item, looking, who, item.key);
	}

	/** An item asks for attention again: handed to this person, or escalated (once each). */
	renotify(item: InboxItem, why: 'handed' | 'escalated', looking: boolean): void {
		const who =
			why === 'handed'
				? `Handed to you: ${item.from} ${item.kind === 'blocker' ? 'is blocked' : 'asks'}`
				: `Still unanswered: ${item.from} ${item.kind === 'blocker' ? 'is blocked' : 'asks'}`;
		this.#notify(item, looking, who, `${item.key}:${why}`);
	}

	#notify(item: InboxItem, looking: boolean, title: string, tag: string) {
		if (!looking) this.unseen.add(item.key);
		if (this.blockerSound && item.kind === 'blocker') beep();
		if (this.permission === 'granted' && !looking && firstTabToNotify(tag)) {
			// The tag makes the system show one notification per item even if two tabs race past the check.
			const notification = new Notification(title, { body: item.text.slice(0, 200), tag });
			notification.onclick = () => {
				window.focus();
				this.onOpen?.(item.key);
			};
		}
	}
}

/** Tabs of one browser share localStorage: the first to mark an item notifies, the others do not. */
function firstTabToNotify(key: string): boolean {
	try {
		const notified: string[] = JSON.parse(localStorage.getItem(NOTIFIED_KEY) ?? '[]');
		if (notified.includes(key)) return false;
		localStorage.setItem(NOTIFIED_KEY, JSON.stringify([...notified.slice(-199), key]));
	} catch {
		// storage disabled: the notification tag still avoids duplicates
	}
	return true;
}

/** One AudioContext for the page, made on the first beep: browsers limit how many a page may hold. */
let audio: AudioContext | null = null;

function beep() {
	try {
		audio ??= new AudioContext();
		if (audio.state === 'suspended') void audio.resume();
		const tone = audio.createOscillator();
		const gain = audio.createGain();
		tone.frequency.value = 660;
		gain.gain.value = 0.08;
		tone.connect(gain).connect(audio.destination);
		tone.start();
		tone.stop(audio.currentTime + 0.25);
	} catch {
		// no audio in this browser: the title and notification still tell
	}
}
