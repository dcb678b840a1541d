/**
 * ESP-*: the ESP that protects the signalling (RFC 4303 3.4.3, 3.4.4), per SA
 * (SPI and destination): replay and out-of-window sequence numbers, ICV
 * failures, and packets that could not be opened so their content went unchecked.
 */
import { key2 } from '../address.js';
import { ESP_REPLAY_WINDOW } from '../facts.js';
import type { Rule } from '../types.js';
import { arrow, seen, type Seen } from './util.js';


function spiText(spi: number): string {
  return `0x${(spi >>> 0).toString(16).padStart(8, '0')}`;
}

export const espSequence: Rule = {
  meta: {
    id: 'ESP-SEQUENCE', severity: 'error', spec: 'RFC 4303 2.2, 3.3.3, 3.4.3',
    summary: 'replayed or out-of-window ESP sequence numbers (gaps as info)',
    description: 'The sender increments the Sequence Number by one per packet on an SA (RFC 4303 3.3.3); the receiver drops duplicates and numbers '
      + 'left of its anti-replay window (3.4.3). A repeat is a replay (or a sender reusing its counter); a jump ahead means packets were lost '
      + 'or not captured (info). Like the receiver, the analyzer then ignores what a dropped packet carries: a replayed Binding Update is '
      + 'not judged as a Binding Update.',
    example: 'Two packets on SPI 0x10010010 with sequence number 1.',
  },
  create(context) {
    // The engine keeps the receiver's window per SA (it drops replays for every rule); this rule reports its verdicts.
    return {
      espIrregular(f) {
        const verdict = f.espVerdict;
        if (verdict === 'replay') {
          context.report(f, `ESP SPI ${spiText(f.spi)} sequence ${f.espSeq} seen before (replay)`, { flow: arrow(context, f.src, f.dst) });
        } else if (verdict === 'outside') {
          context.report(f, `ESP SPI ${spiText(f.spi)} sequence ${f.espSeq} is left of the ${ESP_REPLAY_WINDOW}-packet anti-replay window (highest ${f.espHighestBefore})`, { flow: arrow(context, f.src, f.dst) });
        } else if (verdict === 'gap') {
          context.report(f, `ESP SPI ${spiText(f.spi)} sequence jumps from ${f.espHighestBefore} to ${f.espSeq}`, { flow: arrow(context, f.src, f.dst), severity: 'info' });
        }
      },
    };
  },
};

export const espIcv: Rule = {
  meta: {
    id: 'ESP-ICV', severity: 'error', spec: 'RFC 4303 3.4.4',
    summary: 'integrity check failed',
    description: 'The ICV computed with the SA\'s integrity key does not match the packet\'s (RFC 4303 3.4.4): the receiver MUST discard it. '
      + 'Needs the keys (--esp-sa); with the NULL heuristic alone the ICV cannot be checked.',
    example: 'A BU whose last ICV byte was flipped in transit.',
  },
  create(context) {
    return {
      espIrregular(f) {
        if (f.icv === 'bad') context.report(f, `ESP SPI ${spiText(f.spi)} sequence ${f.espSeq}: integrity check failed`, { flow: arrow(context, f.src, f.dst) });
      },
    };
  },
};

export const espOpaque: Rule = {
  meta: {
    id: 'ESP-OPAQUE', severity: 'info', spec: 'RFC 4303 2; RFC 2410',
    summary: 'ESP that could not be opened, so the signalling inside went unchecked (info, with the SPIs)',
    description: 'ESP packets that were neither NULL-encrypted nor opened with a key from --esp-sa: whatever they carried was not analyzed. '
      + 'One finding per SA, on its first packet, with the packet count, when the SA has been quiet for the idle timeout or the capture ends '
      + '(so a live capture hears of it without stopping; an SA that resumes after that is reported again); give the keys (--esp-sa) to check them.',
    example: 'Home registration under AES-CBC without the SA table.',
  },
  create(context) {
    // The flow's text is taken on its first packet: the SA is reported later, when its address ids may have been recycled.
    interface Closed { first: Seen; spi: number; flow: string; packets: number; last: number }
    const report = (c: Closed): void => {
      context.report(c.first, `${c.packets} ESP packet${c.packets === 1 ? '' : 's'} on SPI ${spiText(c.spi)} could not be opened; the signalling inside was not checked (give the keys with --esp-sa)`, { flow: c.flow });
    };
    // An SA quiet for the idle timeout is reported then and forgotten: bounded however long a live capture runs.
    const closed = context.flows<Closed>((_, c) => report(c));
    return {
      espIrregular(f) {
        // A packet whose ICV failed under a keyed SA was not opened because it must be dropped (ESP-ICV reports it), not for lack of keys.
        if (f.espOpened || f.spi < 0 || f.icv === 'bad') return;
        const k = key2(key2(f.spi + 1, f.dst), f.src);
        const c = closed.get(k);
        if (c) { c.packets++; c.last = f.time; return; }
        closed.set(k, { first: seen(f), spi: f.spi, flow: arrow(context, f.src, f.dst), packets: 1, last: f.time });
      },
      finish() {
        for (const c of closed.values()) report(c);
      },
    };
  },
};

export const ESP_RULES: readonly Rule[] = [espSequence, espIcv, espOpaque];
