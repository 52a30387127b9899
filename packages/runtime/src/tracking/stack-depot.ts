/**
 * The stack depot: every stack the tracker captures is stored here once.
 *
 * Capture is the hot part (it runs on every `bhNew` and every `delete`), so it does the least that
 * keeps the facts: the engine writes the stack into a holder object, the holder's text is read at
 * once (so the engine drops the frames it held, which would otherwise keep receivers such as the
 * new BH itself alive), and the text is interned: identical stacks share one id. Parsing the text
 * into frames, and leaving out the runtime's own frames, happens only when a report asks for them,
 * once per distinct stack.
 *
 * Costs: capture O(depth) in the engine plus one Map lookup; `framesOf` O(depth) on first call,
 * O(1) after. The depot only grows; it holds one string per distinct stack, not per allocation.
 *
 * Browser-safe: no Node imports. The runtime's own directory is found from a stack captured when
 * this module loads, so it works for `src/` (tests, tsx), `dist/` and served files alike.
 */

import type { StackFrame } from './types.js';

/** Frames captured beyond the requested depth, to make room for the runtime's own frames. */
const RUNTIME_FRAME_ALLOWANCE = 6;

const idsByText = new Map<string, number>();
const texts: string[] = [''];
const parsed: Array<readonly StackFrame[] | undefined> = [[]];

/** Any function: the capture leaves out it and the frames above it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => unknown;
type CaptureStackTrace = (holder: object, constructorOpt?: AnyFunction) => void;
const captureStackTrace = (Error as unknown as { captureStackTrace?: CaptureStackTrace })
  .captureStackTrace;

/** A captured stack not yet turned into text (see `captureLazily`). */
export interface StackHolder {
  readonly depth: number;
  stack?: string;
}

/**
 * Captures the caller's stack (everything above `skipFrom`) at most `depth` frames deep, not
 * counting the runtime's own frames, and returns its depot id. 0 when `depth` is 0.
 * Called by the tracker on allocation and use-after-delete.
 */
export function captureStack(depth: number, skipFrom: AnyFunction): number {
  const holder = captureLazily(depth, skipFrom);
  return holder === undefined ? 0 : intern(holder);
}

/**
 * Captures like `captureStack` but leaves the text to `intern`, which costs most of a capture.
 * Until then the engine's frames keep their receivers alive, so the tracker uses this only for
 * delete sites, whose holder lives no longer than the deleted object itself (which can no longer
 * leak). Undefined when `depth` is 0.
 */
export function captureLazily(depth: number, skipFrom: AnyFunction): StackHolder | undefined {
  if (depth <= 0) return undefined;

  const holder: StackHolder = { depth };
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth + RUNTIME_FRAME_ALLOWANCE;
  try {
    if (captureStackTrace !== undefined) captureStackTrace(holder, skipFrom);
    else holder.stack = new Error().stack;
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
  return holder;
}

/** Turns a captured stack into text and returns its depot id. Any caller. */
export function intern(holder: StackHolder): number {
  // Reading `.stack` turns the engine's frame objects into text; keying by depth as well keeps
  // two captures of one stack at different depths apart.
  const text = `${holder.depth}\n${typeof holder.stack === 'string' ? holder.stack : ''}`;
  let id = idsByText.get(text);
  if (id === undefined) {
    id = texts.length;
    texts.push(text);
    parsed.push(undefined);
    idsByText.set(text, id);
  }
  return id;
}

/**
 * The frames of a depot stack, runtime frames left out, at most the depth it was captured with.
 * Parsed on first call and cached. Any caller.
 */
export function framesOf(stackId: number): readonly StackFrame[] {
  const cached = parsed[stackId];
  if (cached !== undefined) return cached;
  const text = texts[stackId];
  if (text === undefined) return [];

  const newline = text.indexOf('\n');
  const depth = Number(text.slice(0, newline));
  const frames: StackFrame[] = [];
  let belowRuntime = false;
  for (const line of text.slice(newline + 1).split('\n')) {
    const frame = parseFrame(line);
    if (frame === undefined) continue;
    if (isRuntimeFrame(frame.file)) {
      belowRuntime = true;
      continue;
    }
    // A builtin with no position (`Array.forEach`) called by the runtime belongs to the runtime.
    if (belowRuntime && frame.line === 0) continue;
    belowRuntime = false;
    frames.push(frame);
    if (frames.length >= depth) break;
  }
  const result = Object.freeze(frames);
  parsed[stackId] = result;
  return result;
}

/** How many distinct stacks the depot holds (for tests and benchmarks). */
export function depotSize(): number {
  return texts.length - 1;
}

// V8: `    at fn (file:1:2)`, `    at file:1:2`, `    at async fn (file:1:2)`.
const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;
// V8 frames without a position: `    at fn (native)`, `    at Array.map (<anonymous>)`.
const V8_FRAME_NO_POSITION = /^\s*at (?:(.+?) \()?([^()]+)\)?$/;
// SpiderMonkey and JavaScriptCore: `fn@file:1:2`, `@file:1:2`.
const AT_SIGN_FRAME = /^(.*?)@(.+?):(\d+):(\d+)$/;

/** Parses one line of an engine's stack text; undefined for the header line. Exported for tests. */
export function parseFrame(line: string): StackFrame | undefined {
  let match = V8_FRAME.exec(line);
  if (match !== null) {
    return frame(match[1], match[2] ?? '', Number(match[3]), Number(match[4]));
  }
  match = AT_SIGN_FRAME.exec(line);
  if (match !== null) {
    return frame(match[1], match[2] ?? '', Number(match[3]), Number(match[4]));
  }
  match = V8_FRAME_NO_POSITION.exec(line);
  if (match !== null) return frame(match[1], match[2] ?? '', 0, 0);
  return undefined;
}

function frame(fn: string | undefined, file: string, line: number, column: number): StackFrame {
  let functionName = fn === undefined || fn === '' ? '<anonymous>' : fn;
  if (functionName.startsWith('async ')) functionName = functionName.slice('async '.length);
  return { functionName, file, line, column };
}

/**
 * A frame's file as a path: `file:///a/b%20c.js` → `/a/b c.js`, backslashes become slashes, other
 * strings unchanged. Any caller (the runtime-frame test here, error messages).
 */
export function plainPath(file: string): string {
  let result = file;
  if (result.startsWith('file://')) {
    result = result.slice('file://'.length);
    try {
      result = decodeURIComponent(result);
    } catch {
      // A malformed escape: keep the raw text.
    }
  }
  return result.replace(/\\/g, '/');
}

/**
 * The runtime package's directory, found from where this module runs. Undefined when it cannot be
 * told (a bundle that renamed files): then no frame is left out.
 */
const runtimeRoot: string | undefined = (() => {
  const text = new Error().stack ?? '';
  for (const line of text.split('\n')) {
    const found = parseFrame(line);
    if (found === undefined) continue;
    const match = /^(.*)\/(?:src|dist)\/tracking\/stack-depot\.[cm]?[jt]s(?:\?.*)?$/.exec(
      plainPath(found.file),
    );
    return match?.[1];
  }
  return undefined;
})();

/** True for a frame inside the runtime package's `src/` or `dist/`. */
export function isRuntimeFrame(file: string): boolean {
  if (runtimeRoot === undefined) return false;
  const path = plainPath(file);
  return path.startsWith(`${runtimeRoot}/src/`) || path.startsWith(`${runtimeRoot}/dist/`);
}
