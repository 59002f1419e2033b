/**
 * The joined console's parts and their lifetime: the traffic feed, roster, inbox, attention, composer,
 * steering and demo crew start when the person joins and stop when the connection ends. Driven by the
 * participant's and the connection's events, not by an effect watching their state.
 */
import type { BusConnection } from '$lib/connection/ui';
import { Composer } from '$lib/compose/ui';
import { DemoCrewControl } from '$lib/demo/ui';
import type { InboxItem } from '$lib/inbox';
import { Attention, InboxState } from '$lib/inbox/ui';
import { createWorkerTicker, type Participant } from '$lib/presence/ui';
import type { Ticker } from '$lib/presence';
import type { AgentIdentity } from '$lib/protocol';
import { RosterState } from '$lib/roster/ui';
import { CrewSteering } from '$lib/steering/ui';
import { AuditTrail } from '$lib/audit/ui';
import { AgentThreads } from '$lib/thread/ui';
import { TrafficFeed } from '$lib/traffic/ui';

export interface ConsoleSessionOptions {
	/** Whether the person is looking at this tab now (visible and focused): then nothing new is unread. */
	looking: () => boolean;
}

export class ConsoleSession {
	readonly feed: TrafficFeed;
	readonly roster: RosterState;
	readonly inbox: InboxState;
	readonly attention = new Attention();
	readonly composer: Composer;
	readonly crew: DemoCrewControl;
	readonly steering: CrewSteering;
	readonly trail: AuditTrail;
	readonly threads: AgentThreads;

	/** What a screen reader says about new items: politely for questions, at once for blockers. */
	politeNews = $state('');
	urgentNews = $state('');

	#participant: Participant;
	#bus: BusConnection;
	#looking: () => boolean;
	#stops: Array<() => void> = [];
	/** One worker clock for the session's lifetime, made on the first join. */
	#ticker: Ticker | null = null;

	constructor(bus: BusConnection, participant: Participant, options: ConsoleSessionOptions) {
		this.#bus = bus;
		this.#participant = participant;
		this.#looking = options.looking;
		this.feed = new TrafficFeed(bus);
		this.roster = new RosterState(bus, this.feed);
		this.inbox = new InboxState(bus, this.feed);
		this.composer = new Composer(bus);
		this.crew = new DemoCrewControl(bus);
		this.trail = new AuditTrail(bus);
		this.threads = new AgentThreads(bus, this.feed);
		this.steering = new CrewSteering(bus, this.trail);
	}

	/** Follows the participant from now on: every join starts the parts, every close stops them. */
	attach(): () => void {
		const stopJoined = this.#participant.onJoined((me) => this.#start(me));
		const stopClosed = this.#bus.onClosed(() => this.#stop());
		if (this.#participant.identity && this.#bus.connected) this.#start(this.#participant.identity);
		return () => {
			stopJoined();
			stopClosed();
			this.#stop();
		};
	}

	#start(me: AgentIdentity) {
		this.#stop();
		this.feed.start();
		this.roster.start();
		this.threads.start();
		this.#stops.push(
			() => this.threads.stop(),
			this.inbox.onReplayed(this.roster.foldStored),
			this.inbox.onReplayed(this.threads.foldStored),
			// Each new question, once, as it arrives: counted unless the person is looking, notified, and
			// read out by screen readers.
			this.inbox.onArrival((item) => {
				this.attention.arrived(item, this.#looking());
				this.#announce(item);
			})
		);
		this.inbox.start(me);
		// Once a second, on a worker's clock (a background tab's own timers slow to once a minute):
		// snoozed questions come back, and what waited too long is escalated.
		this.#stops.push(
			(this.#ticker ??= createWorkerTicker()).every(1_000, () => this.inbox.tick(Date.now())),
			this.inbox.onRenotice((item, why) => {
				this.attention.renotify(item, why.kind, this.#looking());
				const said =
					why.kind === 'handed'
						? `${why.record.by.name} handed you ${item.from}’s ${item.kind}: ${item.text.slice(0, 300)}`
						: `Still unanswered, escalated: ${item.from} ${item.kind === 'blocker' ? 'is blocked' : 'asks'}: ${item.text.slice(0, 300)}`;
				if (item.kind === 'blocker' || why.kind === 'escalated') this.urgentNews = said;
				else this.politeNews = said;
			})
		);
		this.trail.start();
		this.#stops.push(
			() => this.trail.stop(),
			() => this.inbox.stop(),
			() => this.roster.stop(),
			() => this.feed.stop(),
			() => this.crew.dispose()
		);
	}

	#stop() {
		for (const stop of this.#stops.splice(0)) stop();
	}

	#announce(item: InboxItem) {
		const said = `${item.from} ${item.kind === 'blocker' ? 'is blocked' : 'asks'}: ${item.text.slice(0, 300)}`;
		if (item.kind === 'blocker') this.urgentNews = said;
		else this.politeNews = said;
	}
}
