// The kernel substrate: conversions, the file system's kernfs rules, printk and dmesg,
// dynamic debug, and the scheduler's ordering on virtual time.
import t from 'tap';
import { VirtualClock } from '../harness/kernel/clock.js';
import { DynamicDebug, match_wildcard } from '../harness/kernel/dynamic_debug.js';
import fc from 'fast-check';
import { EACCES, EINVAL, EISDIR, ENOENT, ERANGE, modStrerror } from '../harness/kernel/errno.js';
import { kstrtobool, kstrtoint } from '../harness/kernel/kstrtox.js';
import { next_arg } from '../harness/kernel/moduleparam.js';
import { formatDmesgLine, Printk } from '../harness/kernel/printk.js';
import { Scheduler } from '../harness/kernel/timer.js';
import { DelayedWork, WorkStruct, Workqueue } from '../harness/kernel/workqueue.js';
import { modeString, Vfs } from '../harness/kernel/vfs.js';

t.test('kstrtobool reads only the first one or two characters', async (t) => {
  for (const s of ['1', 'y', 'Y', 't', 'T', 'on', 'ON', 'oN', '10', '1\n', 'yes']) t.equal(kstrtobool(s), true, s);
  for (const s of ['0', 'n', 'N', 'f', 'F', 'off', 'OF', '0\n', 'no']) t.equal(kstrtobool(s), false, s);
  for (const s of ['', ' 1', '2', 'o', 'ox', 'x']) t.equal(kstrtobool(s), -EINVAL, JSON.stringify(s));
});

t.test('kstrtoint: base detection, one trailing newline, range', async (t) => {
  t.same(kstrtoint('-19'), { ok: true, value: -19, err: 0 });
  t.same(kstrtoint('0x10'), { ok: true, value: 16, err: 0 });
  t.same(kstrtoint('010'), { ok: true, value: 8, err: 0 });
  t.same(kstrtoint('5\n'), { ok: true, value: 5, err: 0 });
  t.equal(kstrtoint('5\n\n').err, -EINVAL);
  t.equal(kstrtoint(' 5').err, -EINVAL);
  t.equal(kstrtoint('').err, -EINVAL);
  t.equal(kstrtoint('2147483648').err, -ERANGE);
  t.same(kstrtoint('-2147483648'), { ok: true, value: -2147483648, err: 0 });
});

t.test('module arguments split like next_arg', async (t) => {
  const all = (s: string) => {
    const out: Array<[string, string | undefined]> = [];
    for (let rest = s; rest; ) {
      const r = next_arg(rest);
      out.push([r.param, r.val]);
      rest = r.rest;
    }
    return out;
  };
  t.same(all('replace=1  flag s="a b" "q=x y" -- z'), [
    ['replace', '1'],
    ['flag', undefined],
    ['s', 'a b'],
    ['q', 'x y'],
    ['--', undefined],
    ['z', undefined],
  ]);
  t.same(all('a=b=c'), [['a', 'b=c']], 'only the first = splits');
});

t.test('kmod error text for init_module errnos', async (t) => {
  t.equal(modStrerror(-EINVAL), 'Invalid parameters');
  t.equal(modStrerror(-19), 'No such device');
  t.equal(modStrerror(-16), 'Device or resource busy');
  t.equal(modStrerror(-ENOENT), 'Unknown symbol in module');
});

t.test('kernfs: a missing handler is EACCES whatever the mode', async (t) => {
  const vfs = new Vfs();
  vfs.mkdirs('/sys/x');
  vfs.createFile('/sys/x/force', 0o200, undefined, (b) => b.length);
  vfs.createFile('/sys/x/transition', 0o444, () => '0\n');
  t.equal(vfs.read('/sys/x/force'), -EACCES);
  t.equal(vfs.openWrite('/sys/x/transition'), -EACCES);
  t.equal(vfs.read('/sys/x/transition'), '0\n');
  t.equal(vfs.read('/sys/x'), -EISDIR);
  t.equal(vfs.read('/sys/nope'), -ENOENT);
  t.equal(modeString(vfs.lookup('/sys/x/force')!), '--w-------');
  t.equal(modeString(vfs.lookup('/sys/x')!), 'drwxr-xr-x');
  const node = vfs.openWrite('/sys/x/force');
  t.not(typeof node, 'number');
  if (typeof node !== 'number') t.equal(vfs.write(node, ''), 0, 'zero-length writes never reach the handler');
});

t.test('dmesg lines and /dev/kmsg records', async (t) => {
  const clock = new VirtualClock(1_500_000_000, 0);
  const log = new Printk(clock, () => 1);
  log.printk(5, "livepatch: enabling patch 'p'\n");
  log.devkmsgWrite('% insmod x.ko\n');
  log.devkmsgWrite('<3>custom level\n');
  const r = log.all();
  t.equal(r.length, 3);
  t.equal(r[1].facility, 1, 'user space writes are LOG_USER');
  t.equal(r[2].level, 3);
  t.equal(formatDmesgLine(r[0]), "[    1.500000] livepatch: enabling patch 'p'");
  t.equal(log.dmesg().split('\n')[1], '[    1.500000] % insmod x.ko');
});

t.test('dynamic debug queries: file glob, then one function off', async (t) => {
  const dd = new DynamicDebug();
  const a = dd.register({ module: 'livepatch', file: 'kernel/livepatch/transition.c', func: 'klp_init_transition', line: 1, format: 'x' });
  const b = dd.register({ module: 'livepatch', file: 'kernel/livepatch/transition.c', func: 'klp_try_switch_task', line: 2, format: 'y' });
  const c = dd.register({ module: 'foo', file: 'drivers/foo.c', func: 'foo', line: 3, format: 'z' });
  t.equal(dd.control('file kernel/livepatch/* +p'), 0);
  t.equal(dd.control('func klp_try_switch_task -p'), 0);
  t.ok(dd.isEnabled(a));
  t.notOk(dd.isEnabled(b));
  t.notOk(dd.isEnabled(c));
  t.equal(dd.control('bogus'), -EINVAL);
});

t.test('workqueue: work runs before timers, timers in expiry order', async (t) => {
  const clock = new VirtualClock(0, 0);
  const order: string[] = [];
  const sched: Scheduler = new Scheduler(clock, () => workqueue.runPending());
  const workqueue = new Workqueue(sched, (w) => void w.func(w));
  const late = new DelayedWork('late', () => void order.push(`late@${clock.now()}`));
  const early = new DelayedWork('early', () => void order.push(`early@${clock.now()}`));
  workqueue.schedule_delayed_work(late, 2000);
  workqueue.schedule_delayed_work(early, 1000);
  t.notOk(workqueue.schedule_delayed_work(early, 5), 'already pending: no-op');
  workqueue.queue_work(new WorkStruct('now', () => void order.push(`now@${clock.now()}`)));
  sched.advance(1500);
  t.same(order, ['now@0', 'early@1000']);
  t.equal(clock.now(), 1500);
  sched.advance(1000);
  t.same(order, ['now@0', 'early@1000', 'late@2000']);
});

t.test('a periodic timer passed over while inert sees every change when an always-firing one would', async (t) => {
  // Two machines, the same random one-shot timers (each makes work pending) and advances;
  // a periodic timer takes the pending work when it fires. On one it says it is inert
  // while nothing is pending, so advance() may pass over its firings; on the other it
  // never does. What both timers did, and when, must be the same.
  const run = (events: Array<{ at: number; delay: number }>, advances: number[], passOver: boolean) => {
    const clock = new VirtualClock(0, 0);
    const sched = new Scheduler(clock, () => {});
    const seen: string[] = [];
    let pending = 0;
    let fired = 0;
    sched.addPeriodic(
      1000,
      () => {
        fired++;
        if (pending) seen.push(`took ${pending} at ${clock.now()}`);
        pending = 0;
      },
      () => passOver && pending === 0,
    );
    // a one-shot timer armed from another timer's function, at a time that is not on the grid
    for (const e of events)
      sched.addTimer(e.at, () => {
        pending++;
        seen.push(`event at ${clock.now()}`);
        if (e.delay) sched.addTimer(e.delay, () => void (pending++, seen.push(`chained at ${clock.now()}`)));
      });
    for (const a of advances) {
      sched.advance(a);
      seen.push(`step at ${clock.now()}`);
    }
    return { seen, fired };
  };
  const events = fc.array(fc.record({ at: fc.integer({ min: 0, max: 20_000 }), delay: fc.constantFrom(0, 0, 1, 999, 1000, 2500) }), { maxLength: 8 });
  const advances = fc.array(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constantFrom(1000, 2000, 16_000)), { minLength: 1, maxLength: 6 });
  let skipped = 0;
  fc.assert(
    fc.property(events, advances, (ev, adv) => {
      const a = run(ev, adv, true);
      const b = run(ev, adv, false);
      skipped += b.fired - a.fired;
      return JSON.stringify(a.seen) === JSON.stringify(b.seen);
    }),
    { seed: 7, numRuns: 2000 },
  );
  t.ok(skipped > 0, 'firings were passed over');
});

t.test('match_wildcard is a whole-string glob with only * and ? special', async (t) => {
  t.ok(match_wildcard('test_klp_*', 'test_klp_livepatch'));
  t.ok(match_wildcard('*patch', 'test_klp_livepatch'));
  t.ok(match_wildcard('t?st*_mod', 'test_klp_callbacks_mod'));
  t.ok(match_wildcard('*', ''));
  t.notOk(match_wildcard('test_klp', 'test_klp_livepatch'), 'no prefix match');
  t.notOk(match_wildcard('[a]*', 'a'), 'brackets are plain characters');
  t.ok(match_wildcard('a.c', 'a.c'));
  t.notOk(match_wildcard('a.c', 'abc'), 'a dot is a plain character');
  // against a regular expression built from the same rules, on random short texts
  const alphabet = fc.constantFrom('a', 'b', '*', '?', '.');
  const word = (chars: fc.Arbitrary<string>) => fc.array(chars, { maxLength: 8 }).map((cs) => cs.join(''));
  fc.assert(
    fc.property(word(alphabet), word(fc.constantFrom('a', 'b', '.')), (pattern, text) => {
      const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
      return match_wildcard(pattern, text) === re.test(text);
    }),
    { seed: 42, numRuns: 3000 },
  );
  t.pass('agrees with the regular expression on 3000 pairs');
});
