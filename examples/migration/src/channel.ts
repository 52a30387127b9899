/**
 * The network, stood in for by a timer: an outgoing channel (QEMU's to_dst_file) sends one chunk
 * per tick of a realtime timer on the main loop's context, and its link may break once after a
 * planned number of bytes, as a real link may in the middle of postcopy.
 */
import {
  QEMU_CLOCK_REALTIME,
  SCALE_MS,
  aio_timer_new,
  qemu_clock_get_ms,
  qemu_get_aio_context,
  timer_del,
  timer_free,
  timer_mod,
  type Timer,
} from '@bhsan/runtime/qemu';

/** What the channel tells its migration. Called from the main loop. */
export interface ChannelEvents {
  /** `bytes` more reached the destination. */
  readonly onSent: (bytes: number) => void;
  /** The link broke: nothing more is sent; the owner closes the channel. */
  readonly onBroken: () => void;
}

/** One connection to the destination. Made by connect, closed by pause or cleanup. */
export class Channel {
  private readonly timer: Timer;
  private sent = 0;
  private stopped = false;

  /**
   * Starts sending `chunkBytes` every `tickMs`; with `breaksAfterBytes`, the link breaks once
   * that many bytes went through. Called from the main loop.
   */
  constructor(
    private readonly chunkBytes: number,
    private readonly tickMs: number,
    private readonly breaksAfterBytes: number | undefined,
    private readonly events: ChannelEvents,
  ) {
    this.timer = aio_timer_new(
      qemu_get_aio_context(),
      QEMU_CLOCK_REALTIME,
      SCALE_MS,
      channelTick,
      this,
    );
    this.arm();
  }

  /** Sends nothing more; the timer stays allocated until `close()`. */
  stop(): void {
    this.stopped = true;
    timer_del(this.timer);
  }

  /** Stops and frees the timer. Called once, by the channel's owner. */
  close(): void {
    this.stop();
    timer_free(this.timer);
  }

  /** @internal One tick: send a chunk, or break the link. Called by the timer only. */
  tick(): void {
    if (this.breaksAfterBytes !== undefined && this.sent >= this.breaksAfterBytes) {
      this.stop();
      this.events.onBroken();
      return;
    }
    this.sent += this.chunkBytes;
    this.events.onSent(this.chunkBytes);
    if (!this.stopped) this.arm();
  }

  private arm(): void {
    timer_mod(this.timer, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + this.tickMs);
  }
}

function channelTick(channel: Channel): void {
  channel.tick();
}
