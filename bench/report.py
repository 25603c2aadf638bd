#!/usr/bin/env python3
# sspishim — SPDX-License-Identifier: LGPL-2.1-or-later
"""Turns bench/run.sh's results into BENCHMARKS.md and one PNG per benchmark.

Usage: report.py RESULTS.tsv BENCHMARKS.md PLOT_DIR

The result lines are bench/bench.h's (time, ratio, value, sample), each
tagged with the pass it came from.  A figure over several passes is the
median of the passes' medians; its spread is the median of their
quartiles.  A comparison between the Wine program and a native
one divides each side by the reference loop timed beside it in its own
process (see bench/raw_seal.h), so it holds even if the machine's speed
changed between the two runs; the direct ratio is shown as well.
"""
import os
import statistics
import subprocess
import sys
from collections import defaultdict


def load(path):
    times, ratios, values, samples, env = (defaultdict(list) for _ in range(5))
    notes = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip('\n').split('\t')
            if p[0] == 'env':
                env[p[1]] = p[2] if len(p) > 2 else ''
                continue
            if len(p) < 3:
                continue
            pas, kind, ident = int(p[0]), p[1], p[2]
            nums = p[3:]
            if kind == 'time':
                times[ident].append((pas, *map(float, nums[:5])))
            elif kind == 'ratio':
                ratios[ident].append((pas, *map(float, nums[:5])))
            elif kind == 'value':
                values[ident].append((pas, float(nums[0])))
            elif kind == 'note':
                notes[ident] = nums[0] if nums else ''
            elif kind == 'sample':
                samples[ident].append((pas, float(nums[0]), float(nums[1]), int(nums[2])))
    return times, ratios, values, samples, env, notes


class Fig:
    """A figure: median and a low..high spread."""

    def __init__(self, mid, lo=None, hi=None):
        self.mid, self.lo, self.hi = mid, lo if lo is not None else mid, hi if hi is not None else mid

    def map(self, fn):
        a, b = fn(self.lo), fn(self.hi)
        return Fig(fn(self.mid), min(a, b), max(a, b))


def agg(rows):
    """rows: (pass, median, q1, q3, min, max) per pass."""
    if not rows:
        return None
    return Fig(statistics.median(r[1] for r in rows), statistics.median(r[2] for r in rows),
               statistics.median(r[3] for r in rows))


def by_pass(rows):
    return {r[0]: r for r in rows}


def cross(num_rows, den_rows):
    """num/den, pass by pass (both lists of per-pass (pass, median, q1, q3, ...))."""
    a, b = by_pass(num_rows), by_pass(den_rows)
    common = sorted(set(a) & set(b))
    if not common:
        return None
    mids = [a[p][1] / b[p][1] for p in common]
    los = [a[p][2] / b[p][3] for p in common]
    his = [a[p][3] / b[p][2] for p in common]
    return Fig(statistics.median(mids), statistics.median(los), statistics.median(his))


def per_pass(num_rows, den_rows):
    """num/den of the medians, one per pass: for targets that must hold in every pass."""
    a, b = by_pass(num_rows), by_pass(den_rows)
    return [a[p][1] / b[p][1] for p in sorted(set(a) & set(b))]


# What the DLL's EncryptMessage/DecryptMessage run on, for the report's
# explanations: the stitched RC4 + MD5 pass (core/crypto/rc4_md5.c),
# through ntlm_mac_seal/ntlm_mac_unseal in core/ntlm/messages.c.
DLL_SEALS_STITCHED = True


class Report:
    def __init__(self, path):
        self.times, self.ratios, self.values, self.samples, self.env, self.notes = load(path)

    def t(self, ident):
        return agg(self.times.get(ident, []))

    def r(self, ident):
        return agg(self.ratios.get(ident, []))

    def v(self, ident):
        rows = self.values.get(ident, [])
        return statistics.median(r[1] for r in rows) if rows else None

    def rel(self, ident, ref):
        """A time over its own process's reference, per pass."""
        return self.ratios.get('%s/%s' % (ident, ref), [])

    def of_openssl(self, ident, ref, size):
        """A seal + unseal time as a share of OpenSSL's RC4 + HMAC-MD5 pair
        rate at the same size (bench/raw_openssl.h, timed natively by
        core_bench): each over its own process's raw C loop, so the share
        holds across processes; above 1 is faster than OpenSSL."""
        return cross(self.rel('seal.openssl.%d' % size, 'seal.core_raw.%d' % size), self.rel(ident, ref))

    def speedup(self, ours, ours_ref, theirs, theirs_ref):
        """How many times faster ours is: normalised, and direct."""
        norm = cross(self.rel(theirs, theirs_ref), self.rel(ours, ours_ref))
        direct = cross(self.times.get(theirs, []), self.times.get(ours, []))
        return norm, direct


# ---- formatting --------------------------------------------------------------------------

def us(f):
    return 'n/a' if f is None else '%.2f µs' % (f.mid / 1e3) if f.mid < 1e5 else '%.0f µs' % (f.mid / 1e3)


def spread_us(f):
    if f is None:
        return ''
    return ' (%.3g–%.3g)' % (f.lo / 1e3, f.hi / 1e3)


def x(f, digits=2):
    if f is None:
        return 'n/a'
    return '%.*f× (%.*f–%.*f)' % (digits, f.mid, digits, f.lo, digits, f.hi)


def pct(f):
    return 'n/a' if f is None else '%.1f %% (%.1f–%.1f)' % (f.mid * 100, f.lo * 100, f.hi * 100)


def rate(f, unit=''):
    return 'n/a' if f is None else '{:,.0f}{} ({:,.0f}–{:,.0f})'.format(f.mid, unit, f.lo, f.hi)


def mbs(f):
    return 'n/a' if f is None else '%.1f (%.1f–%.1f)' % (f.mid, f.lo, f.hi)


def verdict(ok):
    return 'n/a' if ok is None else ('**met**' if ok else '**missed**')


def per_second(f):
    return None if f is None else f.map(lambda ns: 1e9 / ns)


def throughput(f, size):
    return None if f is None else f.map(lambda ns: size / ns * 1e3)     # MB/s (10^6 B)


def inv(f):
    return None if f is None else f.map(lambda v: 1 / v)


# ---- plots -------------------------------------------------------------------------------

def gnuplot(path, script):
    try:
        subprocess.run(['gnuplot'], input=script, text=True, check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, 'stderr', '') or str(e)
        print('report: gnuplot failed for %s: %s' % (path, err.strip()), file=sys.stderr)
        return False


HEAD = '''set terminal pngcairo size 900,520 font "sans,10"
set output "%s"
set style fill solid 0.8 border -1
set grid ytics
set termoption noenhanced
set key top left
'''


def bars(title, ylabel, rows, path, log=False, extra=''):
    """rows: (label, value, lo, hi); a bar with an error bar each."""
    data = '\n'.join('"%s" %g %g %g' % r for r in rows if r[1] is not None)
    return HEAD % path + '''set title "%s"
set ylabel "%s"
%s
%s
set boxwidth 0.6
set xtics rotate by -20
set yrange [%s:*]
$d << EOD
%s
EOD
plot $d using 0:2:xtic(1) with boxes lc rgb "#4a7ab5" notitle, \\
     $d using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle
''' % (title, ylabel, 'set logscale y' if log else '', extra, '' if log else '0', data)


def cold_ratio(R):
    """This DLL's cold start over the builtin's, run by run."""
    o = {r[0]: r[1] for r in R.samples.get('cold.ours', [])}
    b = {r[0]: r[1] for r in R.samples.get('cold.builtin', [])}
    rs = sorted(o[p] / b[p] for p in set(o) & set(b))
    if not rs:
        return None
    q = statistics.quantiles(rs, n=4) if len(rs) > 1 else [rs[0]] * 3
    return Fig(statistics.median(rs), q[0], q[2])


def key_figures(R):
    """The figures the targets are about: (label, Fig or None, format)."""
    def scaled(f, k):
        return None if f is None else f.map(lambda v: v * k)

    def value(ident):
        v = R.v(ident)
        return None if v is None else Fig(v)
    share = inv(R.r('seal.sspi.65536/seal.sspi_raw.65536'))
    return [
        ('1. export + import round trip, client context (µs)', scaled(R.t('export.sspi.rt.client'), 1e-3), '%.2f'),
        ('1. the same, server context with its token (µs)', scaled(R.t('export.sspi.rt.server'), 1e-3), '%.2f'),
        ('1. round trip: times faster than gss-ntlmssp (normalised)',
         R.speedup('export.sspi.rt.client', 'export.sspi.ref', 'export.gss.rt.client', 'export.gss.ref')[0], '%.2f'),
        ('1. packed context, client (bytes)', value('export.sspi.size.client'), '%.0f'),
        ('2. seal + unseal 64 B: times faster than gss-ntlmssp (normalised)',
         R.speedup('seal.sspi.64', 'seal.sspi_raw.64', 'seal.gss.64', 'seal.gss_raw.64')[0], '%.2f'),
        ('2. seal + unseal 64 KiB: share of the raw limit (%)', scaled(share, 100), '%.1f'),
        ('2. seal + unseal 64 KiB: times faster than gss-ntlmssp (normalised)',
         R.speedup('seal.sspi.65536', 'seal.sspi_raw.65536', 'seal.gss.65536', 'seal.gss_raw.65536')[0], '%.2f'),
        ('2. seal + unseal 64 KiB: share of OpenSSL\'s RC4 + HMAC-MD5 pair rate (%)',
         scaled(R.of_openssl('seal.sspi.65536', 'seal.sspi_raw.65536', 65536), 100), '%.1f'),
        ('3. handshakes/s, one thread', per_second(R.t('handshake.sspi.1')), '%.0f'),
        ('3. handshakes/s, two threads', per_second(R.t('handshake.sspi.2')), '%.0f'),
        ('3. handshakes, one thread: times faster than gss-ntlmssp (normalised)',
         R.speedup('handshake.sspi.1', 'handshake.sspi.ref', 'handshake.gss.1', 'handshake.gss.ref')[0], '%.2f'),
        ('4. memory per live context, committed private (bytes)', value('scale.committed_per_ctx'), '%.0f'),
        ('5. cold start: this DLL / Wine\'s builtin', cold_ratio(R), '%.2f'),
    ]


def before_after(R, before_path, note_path):
    """A table of the key figures in a recorded earlier run and in this one."""
    B = Report(before_path)
    out = ['## Before and after the fixes\n']
    if os.path.exists(note_path):
        with open(note_path) as f:
            out.append(f.read().rstrip() + '\n')
    out.append('Recorded before the fixes on %s (%s pass(es); raw results in `bench/before-fixes.tsv`); after: '
               'this run. Each figure is already a ratio against its own run\'s baseline where it compares '
               'with something; the last column compares the two runs.\n' % (B.env.get('date', '?'),
                                                                           B.env.get('passes', '?')))
    out.append('| figure | before | after | after / before |')
    out.append('| --- | --- | --- | --- |')
    for (label, b, fmt), (_, a, _) in zip(key_figures(B), key_figures(R)):
        cell = lambda f: 'n/a' if f is None else fmt % f.mid
        change = 'n/a' if a is None or b is None or not b.mid else '%.2f×' % (a.mid / b.mid)
        out.append('| %s | %s | %s | %s |' % (label, cell(b), cell(a), change))
    return '\n'.join(out) + '\n'


def handoff_section(R):
    """The server handoff across two processes against its floor, the
    in-process round trip with its token against its bare token calls,
    and the wineserver requests of each call (bench/sspi/handoff.c)."""
    out = ['## 1b. Server handoff with its token, across processes\n']
    if not R.times.get('handoff.sspi.round'):
        out.append('Not measured in this run.\n')
        return '\n'.join(out)
    out.append('What a server pays to hand a client over: a server context (NTLM, established in the process '
               'against a client) is exported with `SECPKG_CONTEXT_EXPORT_DELETE_OLD` and its token; the token '
               'is `DuplicateHandle`d (with `DUPLICATE_CLOSE_SOURCE`) into a long-lived worker process, the blob '
               'and a 1 KiB message the client sealed go down a pipe; the worker runs `ImportSecurityContextW`, '
               'closes the token it was given, decrypts the message and answers one byte. One round is timed '
               'from the export to the answer (its handshake and sealing are set up untimed), 840 rounds a pass. '
               'The **floor** is the same round with no SSPI call: the same pipe write and read, a token of the '
               'same kind duplicated into the worker (which closes it), the same answer. Rounds and floors take '
               'turns; the ratio is taken per block of 40 of each. The **token round trip** is the in-process '
               '`ExportSecurityContext` + `ImportSecurityContextW` + `CloseHandle` of the token + '
               '`DeleteSecurityContext` of the old handle, against its own floor: the four token calls the '
               'contract needs (`DuplicateHandle`, `DuplicateTokenEx`, two `CloseHandle`, as '
               '`dlls/secur32/platform.c` makes them) made bare, timed in turns with it.\n')
    out.append('**Pinned**: these runs go through wineserver, whose figures swing several-fold when the server '
               'and the processes float over shared CPUs, so bench/run.sh restarts the prefix\'s wineserver and '
               'runs them all (server, program and worker) on one CPU: %s.\n' % R.env.get('handoff-cpu', '?'))
    archs = [('x86_64', 'sspi')]
    if R.times.get('handoff.sspi32.round'):
        archs.append(('i686', 'sspi32'))
    out.append('| figure | %s | target |' % ' | '.join(a for a, _ in archs))
    out.append('| --- | %s--- |' % ('--- | ' * len(archs)))

    def row(label, cells, target=''):
        out.append('| %s | %s | %s |' % (label, ' | '.join(cells), target))

    def t(ident, tag):
        f = R.t(ident % tag)
        return us(f) + spread_us(f) if f else 'n/a'

    def ratio_cell(ident, tag, limit):
        f = R.r(ident % tag)
        if f is None:
            return 'n/a', None
        passes = [r[1] for r in R.ratios.get(ident % tag, [])]
        more = '; passes %s' % ', '.join('%.2f×' % v for v in passes) if len(passes) > 1 else ''
        return '%s%s %s' % (x(f), more, verdict(f.mid <= limit)), f.mid <= limit

    row('handoff round (µs)', [t('handoff.%s.round', tag) for _, tag in archs])
    row('its floor: pipe + token handed over, no SSPI (µs)', [t('handoff.%s.floor', tag) for _, tag in archs])
    hand = [ratio_cell('handoff.%s.round/handoff.%s.floor', (tag, tag), 1.3) for _, tag in archs]
    row('**handoff / floor**', [c for c, _ in hand], '≤ 1.3×')
    row('token round trip, in one process (µs)', [t('handoff.%s.rt_token', tag) for _, tag in archs])
    row('its floor: the four token calls bare (µs)', [t('handoff.%s.tok_floor', tag) for _, tag in archs])
    tok = [ratio_cell('handoff.%s.rt_token/handoff.%s.tok_floor', (tag, tag), 1.13) for _, tag in archs]
    row('**token round trip / its floor**', [c for c, _ in tok], '≤ 1.13× (an independent measurement\'s)')
    out.append('')

    # Where the handoff's excess over its floor goes: two wineserver
    # requests (export's and import's token duplicates), each costing about
    # a quarter of the four bare token calls, and the rest CPU work.
    notes, cpu = [], {}
    qemu = 'QEMU' in R.env.get('i686', '') or 'qemu' in R.env.get('handoff-i686-via', '')
    for (arch, tag), (_, ok_h), (_, ok_t) in zip(archs, hand, tok):
        rd, fl, tf = R.t('handoff.%s.round' % tag), R.t('handoff.%s.floor' % tag), R.t('handoff.%s.tok_floor' % tag)
        if not (rd and fl and tf):
            continue
        extra, req = (rd.mid - fl.mid) / 1e3, tf.mid / 4e3
        cpu[tag] = extra - 2 * req
        notes.append('%s: the handoff costs %.0f µs over its floor; two wineserver requests at about %.0f µs each '
                     '(a quarter of the bare token calls) account for %.0f µs, the rest (%.0f µs) is the CPU work '
                     'of export, import and the first unseal%s.' % (
                         arch, extra, req, 2 * req, extra - 2 * req,
                         ', run by QEMU here (32-bit programs are emulated on this machine, so their CPU work '
                         'costs several times what it does natively while wineserver, a native process, does '
                         'not: the i686 ratios measure the emulator)' if tag == 'sspi32' and qemu else ''))
        if ok_h is False or ok_t is False:
            notes.append('**Missed (%s): %s.** Why: %s' % (
                arch, ', '.join(n for n, ok in (('handoff / floor ≤ 1.3×', ok_h), ('token round trip ≤ 1.13×', ok_t))
                                if ok is False),
                'the two requests beyond the floor are the same as on x86_64; what differs is the CPU work '
                'beside them (%.0f µs against %.0f µs on x86_64)%s. On x86_64 the same code is within '
                'target. What would close it: %sless CPU work per import (a smaller payload for the envelope '
                'to open).' % (
                    extra - 2 * req, cpu.get('sspi', float('nan')),
                    ', which runs under QEMU for i686 here while the floor is mostly wineserver (a native '
                    'process) and context switches' if qemu else '',
                    'a 32-bit Wine running natively (the figure to judge), or ' if qemu else '')
                if tag == 'sspi32' else
                'the requests beyond the floor are already the minimum (below); what is left is the CPU work '
                'of the envelope (its AEAD over the payload, section 1) and the context\'s allocation, '
                'which a smaller payload would shorten.'))
    if notes:
        out.append('\n\n'.join(notes) + '\n')

    n = R.v('handoff.count.n')
    reqs = [(label, R.v('handoff.sspi.requests.%s' % k)) for k, label in (
        ('export', '`ExportSecurityContext(DELETE_OLD)` of a server context, token out'),
        ('import', '`ImportSecurityContextW` with a token'),
        ('close', 'the caller\'s `CloseHandle` of its token'),
        ('delete', '`DeleteSecurityContext` of an imported context'),
        ('reexport', '`ExportSecurityContext` of an imported context (the round trip\'s next export)'))]
    if n and any(v is not None for _, v in reqs):
        out.append('**Wineserver requests per call**, counted in a `WINEDEBUG=+server` trace of `sspi_bench.exe '
                   'handoff-count` (x86_64): %d calls of each kind between named-event markers, after one of '
                   'each has warmed the lazy paths (the machine key, the process\'s shared client token).\n' % n)
        out.append('| call | requests | minimum |')
        out.append('| --- | --- | --- |')
        for label, v in reqs:
            out.append('| %s | %s | 1 |' % (label, 'n/a' if v is None else '%g' % v))
        out.append('')
        out.append('Why one each is the minimum: a handle exists only in wineserver, so every new or closed handle '
                   'is a request. The export must give the caller a token handle of its own (one '
                   '`duplicate_token`: the server context holds the process\'s shared impersonation token, which '
                   'DELETE_OLD therefore does not close). The import must keep a handle of its own, since the '
                   'caller keeps ownership of the one it passes (one `duplicate_token`, which in the same request '
                   'refuses a handle that is not a token and gives the impersonation level `SetThreadToken` '
                   'needs). Deleting an imported context closes that duplicate (one `close_handle`). Nothing '
                   'else in these calls reaches wineserver: the machine key is read once per process, the nonce '
                   'comes from the RNG in-process, the heap and locks are process-local. So a handoff makes '
                   'exactly two requests beyond its transport floor (and a third, untimed, when the worker '
                   'deletes the context), and the token round trip exactly the four of its floor.\n')
    return '\n'.join(out)


def i686_section(R):
    """The 32-bit DLL beside the 64-bit one: each figure over its own
    process's raw loop, so that a slower processor model (QEMU, where the
    kernel runs no 32-bit code) cancels out of the comparison."""
    out = ['## 6. i686 (32-bit programs)\n']
    how = R.env.get('i686', 'none')
    if how == 'none' or not R.times.get('export.sspi32.rt.client'):
        out.append('Not measured: this Wine cannot run 32-bit programs here (`tools/wine-platforms prepare`).\n')
        return '\n'.join(out)
    out.append('`sspi_bench.exe` built for i686 runs under %s in the same run, between the other programs. '
               'Each figure is also given over the raw RC4 + HMAC-MD5 loop of its own process '
               '(`calib`), and the last column compares those normalised figures: i686 over x86_64, '
               'above 1 meaning the 32-bit build does relatively more work.%s\n' % (
                   how, ' Under QEMU the absolute times measure the emulator, not the DLL; only '
                   'the normalised column says something about the 32-bit code.' if 'QEMU' in how else ''))
    out.append('| figure | x86_64 | i686 | x86_64 / own loop | i686 / own loop | i686 / x86_64, normalised |')
    out.append('| --- | --- | --- | --- | --- | --- |')
    rows = [('export + import round trip, client', 'export.%s.rt.client', 'export.%s.ref'),
            ('export + import round trip, server with token', 'export.%s.rt.server', 'export.%s.ref'),
            ('seal + unseal, 64 B', 'seal.%s.64', 'seal.%s_raw.64'),
            ('seal + unseal, 1 KiB', 'seal.%s.1024', 'seal.%s_raw.1024'),
            ('seal + unseal, 64 KiB', 'seal.%s.65536', 'seal.%s_raw.65536'),
            ('handshake, one thread', 'handshake.%s.1', 'handshake.%s.ref'),
            ('the envelope\'s AEAD, seal + open of the client payload (x86_64: AES-256-GCM; i686: ChaCha20-Poly1305)', 'export.%s.aead', 'export.%s.ref')]
    for label, ident, ref in rows:
        a, b = R.t(ident % 'sspi'), R.t(ident % 'sspi32')
        ra, rb = R.rel(ident % 'sspi', ref % 'sspi'), R.rel(ident % 'sspi32', ref % 'sspi32')
        na, nb = agg(ra), agg(rb)
        out.append('| %s | %s | %s | %s | %s | %s |' % (label, us(a), us(b), x(na), x(nb), x(cross(rb, ra))))
    # Against OpenSSL's pair rate: both builds over their own loop, OpenSSL
    # (native x86_64) over core_bench's.  For i686 under QEMU only this
    # normalised share means anything, and it also carries how much worse
    # the 32-bit build of the C loop fares than the 64-bit one.
    for size in (64, 1024, 65536):
        a = R.of_openssl('seal.sspi.%d' % size, 'seal.sspi_raw.%d' % size, size)
        b = R.of_openssl('seal.sspi32.%d' % size, 'seal.sspi32_raw.%d' % size, size)
        out.append('| seal + unseal %s: share of OpenSSL\'s pair rate, normalised | | | %s | %s | |' % (
            {64: '64 B', 1024: '1 KiB', 65536: '64 KiB'}[size], pct(a), pct(b)))
    sc, sc32 = R.v('export.sspi.size.client'), R.v('export.sspi32.size.client')
    if sc and sc32:
        out.append('| packed context, client (bytes) | %.0f | %.0f | | | |' % (sc, sc32))
    out.append('')
    return '\n'.join(out)


def kerberos_section(R):
    """Kerberos (bench/kerberos/krb_bench.c): the core's package and MIT's
    GSSAPI in one native process, timed in turns; each ratio is MIT's time
    over ours in the same round, so above 1 means ours is ahead."""
    out = ['## 7. Kerberos against MIT krb5\'s GSSAPI\n']
    if R.env.get('krb-skipped') or not R.times.get('krb.handshake.ours'):
        out.append('Not measured: %s.\n' % (R.env.get('krb-skipped') or 'no Kerberos results in this run'))
        return '\n'.join(out)
    keyinfo = R.notes.get('krb.keyinfo', '?')
    when = R.env.get('krb-date')
    if when and when != R.env.get('date'):
        out.append('Measured on %s (`make bench-kerberos`), apart from the run above; its ratios are taken within '
                   'its own process, so they do not depend on the rest of the run.\n' % when)
    out.append('`krb_bench` (bench/kerberos/krb_bench.c, run by bench/kerberos.sh) drives the core\'s Kerberos '
               'package through its ops table and the handle table, as the DLL\'s dispatcher does, natively, beside '
               'MIT krb5\'s GSSAPI (`libgssapi_krb5`) in the same process, against a KDC the script starts for the '
               'run (%s). Session keys: %s. Both clients take their TGT from the password in process '
               '(ours into its credential, MIT\'s through `gss_acquire_cred_with_password` into a memory ccache) '
               'and keep the service ticket the first handshake got, so every timed handshake has it cached; both '
               'acceptors read the same keytab (`KRB5_KTNAME`) on every accept. The implementations take turns '
               'batch by batch in each of the %s passes; a ratio is MIT\'s time over ours in the same round '
               '(our throughput over MIT\'s: above 1, ours is ahead), given as the median over the passes with '
               'the interquartile range in brackets, then each pass\'s median.\n'
               % (R.env.get('krb-kdc', 'MIT krb5kdc'), keyinfo, R.env.get('krb-passes', R.env.get('passes', '?'))))

    def ratio_cell(ident):
        rows = R.ratios.get(ident, [])
        if not rows:
            return 'n/a', None
        f = agg(rows)
        mids = [r[1] for r in sorted(rows)]
        return '%s; passes %s' % (x(f), ', '.join('%.2f×' % m for m in mids)), min(mids)

    out.append('| | this package (native), /s | MIT GSSAPI, /s | ours / MIT (throughput) | ahead of MIT in every pass |')
    out.append('| --- | --- | --- | --- | --- |')
    rows = [('handshake (AP-REQ with mutual auth, accept, AP-REP), MIT without replay cache',
             'krb.handshake.ours', 'krb.handshake.mit', per_second, lambda f: rate(f)),
            ('handshake, MIT with its default replay cache (a file)',
             'krb.handshake.ours', 'krb.handshake.mit_rcache', per_second, lambda f: rate(f))]
    for size in (64, 1024, 65536):
        rows.append(('seal + unseal %s, MB/s' % {64: '64 B', 1024: '1 KiB', 65536: '64 KiB'}[size],
                     'krb.seal.ours.%d' % size, 'krb.seal.mit.%d' % size,
                     lambda f, n=size: throughput(f, n), mbs))
    for side in ('client', 'server'):
        rows.append(('export + import round trip, %s context' % side, 'krb.export.ours.%s' % side,
                     'krb.export.mit.%s' % side, per_second, lambda f: rate(f)))
    for label, ours, mit, conv, fmt in rows:
        a, b = R.t(ours), R.t(mit)
        if b is None:
            continue
        cell, low = ratio_cell('%s/%s' % (mit, ours))
        out.append('| %s | %s | %s | %s | %s |' % (label, fmt(conv(a)) if a else 'n/a (see below)', fmt(conv(b)),
                                                   cell, verdict(None if low is None else low > 1)))
    sizes = [(side, R.v('krb.export.ours.size.%s' % side), R.v('krb.export.mit.size.%s' % side))
             for side in ('client', 'server')]
    for side, o, m in sizes:
        if m is not None:
            out.append('| exported blob, %s context (bytes) | %s | %.0f | %s | |' % (
                side, '%.0f' % o if o is not None else 'n/a', m, '%.2f of its size' % (o / m) if o else ''))
    out.append('')
    out.append('Handshakes: client `InitializeSecurityContext` (AP-REQ, `ISC_REQ_MUTUAL_AUTH`, confidentiality, '
               'replay and sequence detection), server `AcceptSecurityContext` with the keytab, client '
               '`InitializeSecurityContext` with the AP-REP, both contexts deleted; MIT: `gss_init_sec_context` with '
               '`GSS_C_MUTUAL_FLAG`, `gss_accept_sec_context`, `gss_init_sec_context`, `gss_delete_sec_context` twice. '
               '**Our acceptor keeps its replay cache on** (every authenticator is checked and remembered, '
               'core/kerberos/replay_cache.c); MIT\'s is timed both without one (`KRB5RCACHETYPE=none`, the first '
               'row) and with its default file cache in the run\'s own `KRB5RCACHEDIR` (the second row; MIT reads '
               'the variable on each accept, so both run in the same process). Sealing: `EncryptMessage` + '
               '`DecryptMessage` in place (token + data buffers) against `gss_wrap` (confidentiality) + `gss_unwrap`, '
               'whose output buffers are released each time.\n')
    out.append('**Where the time goes** (`perf record` on `krb_bench profile handshake` and `profile seal:SIZE`). '
               'The first runs had ours behind MIT at 64 B and barely level at 1 KiB, and the handshake spent 41 % '
               'of its time in the replay cache. Fixed in core/ on the way: the replay cache walked all of its 65,536 '
               'slots on every AP-REQ (now a hash chain per digest, swept only when full, so the same entries are '
               'refused as before); every message derived its Ke and Ki again (RFC 3961 DK: n-fold, two AES key '
               'schedules and four blocks each), now kept per context and direction (`struct krb_key_cache` in '
               '`krb_gss_ctx`, wiped with it); n-fold computed each byte with divisions (now walked in order); '
               'SHA-1, the HMAC under AES-SHA1, was the portable C loop and runs on the SHA extensions where the CPU '
               'has them (`core/crypto/sha1.c`, x86-64). What is left, largest first: at 64 B the system call for '
               'each message\'s 16-byte confounder (`getrandom`, with its kernel entry a third of a 64-byte seal + '
               'unseal on this virtual machine; MIT draws from its own user-space Fortuna generator), then HMAC-SHA1\'s '
               'key pads hashed again for every message and the AES key schedule of Ke; at 64 KiB, the copies of '
               '`krb_gss_wrap_split` and `krb_gss_unwrap_split` (the message is copied into a token, rotated with '
               'three reversals and copied back, and the decryption goes through two more heap buffers: each a 64 KiB '
               'allocation that glibc hands back to the kernel and faults in again).\n')
    if R.times.get('krb.export.ours.client'):
        out.append('Export + import: `context_export` + `context_import` (what `ExportSecurityContext` and '
                   '`ImportSecurityContextW` run: the package\'s payload, sealed with the envelope\'s AEAD (AES-256-GCM on this CPU) under the '
                   'machine key, opened, checked and made a context with a new handle), the old handle deleted and '
                   'the blob freed, against `gss_export_sec_context` + `gss_import_sec_context` (MIT\'s export '
                   'consumes the context, its import gives it back; its token is neither encrypted nor '
                   'authenticated). The server case does not hand a token over here (native tokens are '
                   'placeholders).\n')
    if R.notes.get('krb.export.ours'):
        out.append('**Export + import: only MIT\'s is measured** (%s): the Kerberos package\'s export_context and '
                   'import_context were not on this branch when it was built (issue 17 point 2). `krb_bench` '
                   'measures ours, through `context_export`/`context_import` (the envelope under the machine key, '
                   'as ExportSecurityContext and ImportSecurityContextW), as soon as the package has them.\n'
                   % R.notes['krb.export.ours'])
    return '\n'.join(out)


def main():
    results, md_path, plot_dir = sys.argv[1:4]
    R = Report(results)
    os.makedirs(plot_dir, exist_ok=True)
    rel_plot = os.path.relpath(plot_dir, os.path.dirname(os.path.abspath(md_path)))
    out = []
    w = out.append
    plots = {}

    def plot(name, script):
        path = os.path.join(plot_dir, name + '.png')
        if gnuplot(path, script.replace('%OUT%', path)):
            plots[name] = '%s/%s.png' % (rel_plot, name)

    def img(name, alt):
        if name in plots:
            w('![%s](%s)\n' % (alt, plots[name]))

    env = R.env
    w('# Benchmarks\n')
    w('Generated by `make bench` (bench/run.sh, bench/report.py) on %s: %s; Linux %s; %s; '
      'gcc / mingw-w64 gcc %s; gss-ntlmssp %s with MIT krb5 %s. %s pass(es); load average %s before, %s after.\n'
      % (env.get('date', '?'), env.get('cpu', '?'), env.get('kernel', '?'), env.get('wine', '?'), env.get('gcc', '?'),
         env.get('gss-ntlmssp', '?'), env.get('krb5', '?'), env.get('passes', '?'),
         env.get('load-before', '?'), env.get('load-after', '?')))
    try:
        ncpu = int(env.get('cpu', '').split(' x ')[-1])
        load = max(float(env.get(k, '0').split()[0]) for k in ('load-before', 'load-after'))
    except (ValueError, IndexError):
        ncpu, load = 0, 0
    if ncpu and load > ncpu:
        w('**The machine was busy during this run**: load average up to %.1f on %d CPUs (other engineers\' '
          'builds and tests ran alongside). Every benchmark takes its cases in turns within one process, so '
          'ratios within a program hold better than absolute times, but figures compared across programs '
          '(normalised by each one\'s own C loop) are noisier than usual, and spreads are wide.\n' % (load, ncpu))
    w('''Every figure is a ratio against a baseline measured in the same run, because this machine is
shared and noisy and absolute times alone mean little. How the figures are made:

- Each benchmark is one program start (one Wine start for this DLL) timing many iterations with
  `QueryPerformanceCounter` (natively `clock_gettime`): a case is calibrated to batches of about
  20 ms, then timed in 21 batches, and the cases compared take turns batch by batch. A figure is
  the median batch; the spread in brackets is the interquartile range (over several passes, the
  medians of the passes' quartiles). No benchmark is a pass/fail test.
- This DLL runs under Wine (`sspi_bench.exe`, through the function table of
  `InitSecurityInterfaceW`); the peer, gss-ntlmssp through MIT GSSAPI (`gss_bench`), runs natively;
  the same NTLM core also runs natively through its package table (`core_bench`), which shows what
  Wine and the Win32 layer add. The programs run one after the other, in alternation, %s times.
- **The baseline across processes** is a reference loop (`bench/raw_seal.h`: HMAC-MD5 and RC4 of one
  1 KiB message sealed and unsealed, on the core's own primitives) that every program times beside
  what it measures. A comparison between this DLL and gss-ntlmssp divides each side by its own
  process's reference ("normalised"), so a change in the machine's speed between the two runs cancels;
  the plain ratio of times ("direct") is given too. The reference itself is the same C code compiled
  by the same gcc for both sides, and the table below shows it runs at the same speed under Wine and
  natively: Wine costs CPU-bound code nothing measurable, so the normalised and direct ratios agree
  unless the machine's load changed between runs.
''' % env.get('passes', '?'))

    # ---- summary
    rt = R.speedup('export.sspi.rt.client', 'export.sspi.ref', 'export.gss.rt.client', 'export.gss.ref')[0]
    size_c0 = R.v('export.sspi.size.client')
    share64k = inv(R.r('seal.sspi.65536/seal.sspi_raw.65536'))
    seal64 = R.speedup('seal.sspi.64', 'seal.sspi_raw.64', 'seal.gss.64', 'seal.gss_raw.64')[0]
    seal_vs_gss = {size: R.speedup('seal.sspi.%d' % size, 'seal.sspi_raw.%d' % size, 'seal.gss.%d' % size,
                                   'seal.gss_raw.%d' % size)[0] for size in (64, 1024, 65536)}
    ossl64k = R.of_openssl('seal.sspi.65536', 'seal.sspi_raw.65536', 65536)
    hs1 = R.speedup('handshake.sspi.1', 'handshake.sspi.ref', 'handshake.gss.1', 'handshake.gss.ref')[0]
    hs1_rate = per_second(R.t('handshake.sspi.1'))
    mem_c, mem_h = R.v('scale.committed_per_ctx'), R.v('scale.heap_per_ctx')
    n_all = R.v('scale.contexts')
    same10 = R.t('scale.lookup.same.10')
    sameN = R.t('scale.lookup.same.%d' % n_all) if n_all else None
    flat = None if not (same10 and sameN) else sameN.mid / same10.mid
    cold = cold_ratio(R)
    w('## Summary\n')
    w('| benchmark | target | measured | |')
    w('| --- | --- | --- | --- |')
    rt_passes = per_pass(R.rel('export.gss.rt.client', 'export.gss.ref'),
                         R.rel('export.sspi.rt.client', 'export.sspi.ref'))
    w('| 1. export + import round trip | ≥ 2× faster than gss-ntlmssp, in every pass | %s; passes %s | %s |' % (
        x(rt), ', '.join('%.2f×' % v for v in rt_passes) or 'n/a',
        verdict(bool(rt_passes) and min(rt_passes) >= 2)))
    w('| 1. packed context | < 1 KiB (gss-ntlmssp: %s B) | %s B | %s |' % (
        '%.0f' % R.v('export.gss.size.client') if R.v('export.gss.size.client') else '?',
        '%.0f' % size_c0 if size_c0 else 'n/a', verdict(size_c0 and size_c0 < 1024)))
    w('| 2. sealing, 64 KiB | ≥ 95 %% of OpenSSL\'s RC4 + HMAC-MD5 pair rate, same run | %s | %s |' % (
        pct(ossl64k), verdict(ossl64k and ossl64k.mid >= .95)))
    w('| 2. sealing, 64 B / 1 KiB / 64 KiB | ≥ 1.0× gss-ntlmssp at each | %s | %s |' % (
        ' / '.join(x(seal_vs_gss[k]) for k in (64, 1024, 65536)),
        verdict(all(seal_vs_gss[k] and seal_vs_gss[k].mid >= 1 for k in (64, 1024, 65536))
                if all(seal_vs_gss.values()) else None)))
    w('| 2. sealing, 64 KiB | ≥ 95 %% of the raw C loop | %s | %s |' % (pct(share64k), verdict(share64k and share64k.mid >= .95)))
    w('| 2. sealing, 64 B | ≥ 3× gss-ntlmssp | %s | %s |' % (x(seal64), verdict(seal64 and seal64.mid >= 3)))
    w('| 3. handshakes, one thread | ≥ 8× gss-ntlmssp, ~20,000/s | %s, %s/s | %s |' % (
        x(hs1, 1), '{:,.0f}'.format(hs1_rate.mid) if hs1_rate else 'n/a', verdict(hs1 and hs1.mid >= 8)))
    w('| 4. memory per live context | ≤ 1 KiB | heap in use %s B, committed %s B | %s; %s |' % (
        '%.0f' % mem_h if mem_h is not None else 'n/a', '%.0f' % mem_c if mem_c is not None else 'n/a',
        verdict(mem_h is not None and mem_h <= 1024), verdict(mem_c is not None and mem_c <= 1024)))
    w('| 4. handle lookup, 10 vs %s live | flat | %s | %s |' % (
        '{:,.0f}'.format(n_all) if n_all else '?', '%.2f×' % flat if flat else 'n/a', verdict(flat and flat <= 1.25)))
    w('| 5. cold start | against Wine\'s builtin | %s | |' % x(cold))
    for label, ident in (('7. Kerberos handshakes, cached service ticket', 'krb.handshake.mit/krb.handshake.ours'),
                         ('7. Kerberos seal + unseal, 64 B', 'krb.seal.mit.64/krb.seal.ours.64'),
                         ('7. Kerberos seal + unseal, 1 KiB', 'krb.seal.mit.1024/krb.seal.ours.1024'),
                         ('7. Kerberos seal + unseal, 64 KiB', 'krb.seal.mit.65536/krb.seal.ours.65536'),
                         ('7. Kerberos export + import round trip', 'krb.export.mit.client/krb.export.ours.client')):
        rows = R.ratios.get(ident, [])
        mids = [r[1] for r in rows]
        w('| %s | ahead of MIT krb5\'s GSSAPI (ours / MIT > 1), same run | %s | %s |' % (
            label, x(agg(rows)) if rows else 'not measured', verdict(min(mids) > 1) if mids else ''))
    w('')
    w('Where a target is missed, the section says why and what would close the gap.\n')

    # ---- calibration
    w('## The baseline: the same loop under Wine and natively\n')
    w('| message | under Wine (`sspi_bench.exe`) | native (`gss_bench`) | Wine / native |')
    w('| --- | --- | --- | --- |')
    calib_rows = []
    for size in (64, 1024, 65536):
        a, b = R.t('calib.wine.%d' % size), R.t('calib.native.%d' % size)
        c = cross(R.times.get('calib.wine.%d' % size, []), R.times.get('calib.native.%d' % size, []))
        w('| %s B | %s%s | %s%s | %s |' % (size, us(a), spread_us(a), us(b), spread_us(b), x(c, 3)))
        calib_rows.append(c)
    w('')

    # ---- 1. export / import
    w('## 1. Export + import of an established NTLM context\n')
    w('A round trip is `ExportSecurityContext`, `ImportSecurityContextW`, `DeleteSecurityContext` of the old '
      'handle and `FreeContextBuffer` of the blob (the new handle carries on), against '
      '`gss_export_sec_context` + `gss_import_sec_context` of the same kind of context (gss-ntlmssp\'s export '
      'consumes the context, its import gives it back). The blob is built, sealed with AES-256-GCM (on a CPU with AES-NI and PCLMULQDQ; ChaCha20-Poly1305 elsewhere) under '
      'the machine key, opened, checked and turned back into a context with a new handle each time. The server '
      'case also hands the client\'s token over (`Export`\'s token out, `Import`\'s token in, `CloseHandle`), '
      'which gss-ntlmssp has no counterpart for.\n')
    rt_norm, rt_direct = R.speedup('export.sspi.rt.client', 'export.sspi.ref', 'export.gss.rt.client', 'export.gss.ref')
    srv_norm, srv_direct = R.speedup('export.sspi.rt.server', 'export.sspi.ref', 'export.gss.rt.server', 'export.gss.ref')
    size_c, size_s = R.v('export.sspi.size.client'), R.v('export.sspi.size.server')
    gsize_c, gsize_s = R.v('export.gss.size.client'), R.v('export.gss.size.server')
    w('| | this DLL (Wine) | gss-ntlmssp (native) | this DLL is faster by (normalised; direct) | target |')
    w('| --- | --- | --- | --- | --- |')
    w('| round trip, client context | %s | %s | %s; %s | ≥ 2× %s |' % (
        us(R.t('export.sspi.rt.client')), us(R.t('export.gss.rt.client')), x(rt_norm), x(rt_direct),
        verdict(rt_norm and rt_norm.mid >= 2)))
    w('| round trip, server context (+ token for this DLL) | %s | %s | %s; %s | |' % (
        us(R.t('export.sspi.rt.server')), us(R.t('export.gss.rt.server')), x(srv_norm), x(srv_direct)))
    w('| export alone (+ FreeContextBuffer), client | %s | | | |' % us(R.t('export.sspi.export.client')))
    w('| import alone (+ DeleteSecurityContext), client | %s | | | |' % us(R.t('export.sspi.import.client')))
    w('| round trip, client, native core (`core_bench`) | %s | | | |' % us(R.t('export.core.rt.client')))
    aead_share = cross(R.rel('export.sspi.aead', 'export.sspi.ref'), R.rel('export.sspi.rt.client', 'export.sspi.ref'))
    core_share = cross(R.rel('export.core.aead', 'export.core.ref'), R.rel('export.core.rt.client', 'export.core.ref'))
    w('| the envelope\'s AEAD, seal + open of the payload alone (its floor) | %s, %s of the round trip '
      '| | | |' % (us(R.t('export.sspi.aead')), pct(aead_share)))
    w('| the same natively (`core_bench`) | %s, %s of its round trip | | | |' % (
        us(R.t('export.core.aead')), pct(core_share)))
    if size_c and gsize_c:
        w('| packed context / exported token, client | %d B | %d B | %.2f of its size | < 1 KiB %s |' % (
            size_c, gsize_c, size_c / gsize_c, verdict(size_c < 1024)))
    if size_s and gsize_s:
        w('| packed context / exported token, server | %d B | %d B | %.2f of its size | < 1 KiB %s |' % (
            size_s, gsize_s, size_s / gsize_s, verdict(size_s < 1024)))
    w('')
    aead, core_aead = R.t('export.sspi.aead'), R.t('export.core.aead')
    rt_t, core_rt_t, gss_t = R.t('export.sspi.rt.client'), R.t('export.core.rt.client'), R.t('export.gss.rt.client')
    rt_passes = per_pass(R.rel('export.gss.rt.client', 'export.gss.ref'),
                         R.rel('export.sspi.rt.client', 'export.sspi.ref'))
    if rt_passes and min(rt_passes) < 2 and aead and rt_t and gss_t:
        w('**The 2× target is missed** (it must hold in every pass; per pass, normalised: %s).\n' % (
            ', '.join('%.2f×' % v for v in rt_passes)))
        w('**Why.** The round trip is mostly the envelope\'s authenticated encryption: '
          'sealing and opening the %.0f-byte payload with the envelope\'s AEAD costs %s under Wine, %s of the round '
          'trip, which alone is %.0f %% of gss-ntlmssp\'s whole round trip (whose exported token is neither '
          'encrypted nor authenticated). Everything else (building and parsing the payload, the context object and '
          'its names, the handle, the heap blocks) takes %s under Wine%s: the rest of the gap is Wine\'s heap and '
          'the Win32 layer. The AEAD runs at its native speed under Wine (%s natively): AES-256-GCM on '
          'VAES and VPCLMULQDQ where the CPU has them (ChaCha20-Poly1305, the envelope\'s other AEAD, costs about '
          'three times as much at this size). What would close the gap: a smaller payload (two RC4 states are 516 of its bytes: a context '
          'that has sealed little could carry each direction as its key and a byte count and replay the keystream '
          'on import, a payload format change with a bound on the replay), and fewer heap blocks per context '
          '(its names in one block). The payload belongs to `core/ntlm/export.c`, which was being changed for '
          'NTLM without extended session security while this was measured (issue 14), so its format was left '
          'alone. Tried and dropped: Poly1305 two blocks at a time (r^2, 44-bit limbs), which measured no faster '
          'than the two-limb loop on this CPU for payloads of this size.\n' % (
              (size_c or 0) - 54, us(aead), pct(aead_share), 100 * aead.mid / gss_t.mid,
              us(Fig(rt_t.mid - aead.mid)),
              '' if not (core_rt_t and core_aead) else ' and %s natively' % us(Fig(core_rt_t.mid - core_aead.mid)),
              us(core_aead)))
    plot('export', HEAD % '%OUT%' + '''set multiplot layout 1,2 title "1. Export + import round trip of an NTLM context"
set style fill solid 0.8 border -1
set boxwidth 0.6
set xtics rotate by -25
set logscale y
set ylabel "µs per round trip (log)"
$t << EOD
%s
EOD
plot $t using 0:2:xtic(1) with boxes lc rgb "#4a7ab5" notitle, $t using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle
unset logscale y
set yrange [0:*]
set ylabel "bytes"
$s << EOD
%s
EOD
plot $s using 0:2:xtic(1) with boxes lc rgb "#b5804a" notitle, 1024 with lines dt 2 lc rgb "red" title "1 KiB target"
unset multiplot
''' % ('\n'.join('"%s" %g %g %g' % (lab, f.mid / 1e3, f.lo / 1e3, f.hi / 1e3) for lab, f in (
        ('sspishim client', R.t('export.sspi.rt.client')), ('sspishim server+token', R.t('export.sspi.rt.server')),
        ('core client (native)', R.t('export.core.rt.client')), ('gss-ntlmssp client', R.t('export.gss.rt.client')),
        ('gss-ntlmssp server', R.t('export.gss.rt.server'))) if f),
       '\n'.join('"%s" %g' % (lab, v) for lab, v in (
        ('sspishim client', size_c), ('sspishim server', size_s), ('gss-ntlmssp client', gsize_c),
        ('gss-ntlmssp server', gsize_s)) if v)))
    img('export', 'export and import round trip times and blob sizes')

    # ---- 2. sealing
    w('## 2. Sealing throughput\n')
    w('One message sealed by the client (`EncryptMessage`) and unsealed by the server (`DecryptMessage`), '
      'in place, against the raw limit: the same HMAC-MD5 and RC4 work called directly on the core\'s '
      'primitives in a tight loop in the same process, timed in alternation with it (`bench/raw_seal.h`). '
      'gss-ntlmssp\'s `gss_wrap` (confidentiality) + `gss_unwrap` allocate their output, which is released '
      'each time. MB/s counts message bytes (10^6) per sealed-and-unsealed pair.\n')
    w('The physical limit is OpenSSL\'s: `core_bench` times the same pair on libcrypto (EVP RC4 from the legacy '
      'provider, HMAC-MD5 through EVP_MAC keyed once; `bench/raw_openssl.h`), whose RC4 and MD5 are hand-written '
      'assembly, beside the C loop in the same native process. "Share of OpenSSL" divides each side by its own '
      'process\'s C loop, so it compares the DLL under Wine with OpenSSL natively; above 100 %% is faster than '
      'OpenSSL. %s\n' % ('The DLL seals with RC4 and the HMAC\'s MD5 stitched in one pass over each 64-byte '
                          'block (`core/crypto/rc4_md5.c`); the C loop calls the two primitives one after the '
                          'other.' if DLL_SEALS_STITCHED else
                          'The DLL\'s SecBuffer path still calls RC4 and HMAC-MD5 one after the other, as the C '
                          'loop does; the stitched pass is measured below, among the primitives.'))
    w('| message | raw C loop (Wine), MB/s | this DLL, MB/s | share of the C loop | OpenSSL pair (native), MB/s | share of OpenSSL (normalised) | gss-ntlmssp, MB/s | this DLL is faster by (normalised; direct) | targets |')
    w('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    seal_rows = []
    seal_missed = []
    for size in (64, 1024, 65536):
        raw, ours, gss = R.t('seal.sspi_raw.%d' % size), R.t('seal.sspi.%d' % size), R.t('seal.gss.%d' % size)
        share = inv(R.r('seal.sspi.%d/seal.sspi_raw.%d' % (size, size)))
        norm, direct = R.speedup('seal.sspi.%d' % size, 'seal.sspi_raw.%d' % size, 'seal.gss.%d' % size,
                                 'seal.gss_raw.%d' % size)
        ossl = R.t('seal.openssl.%d' % size)
        of_ossl = R.of_openssl('seal.sspi.%d' % size, 'seal.sspi_raw.%d' % size, size)
        targets = ['≥ 1.0× gss-ntlmssp %s' % verdict(None if norm is None else norm.mid >= 1)]
        if size == 65536:
            targets.append('≥ 95 %% of OpenSSL %s' % verdict(None if of_ossl is None else of_ossl.mid >= 0.95))
            targets.append('≥ 95 %% of the C loop %s' % verdict(share and share.mid >= 0.95))
        if size == 64:
            targets.append('≥ 3× gss-ntlmssp %s' % verdict(norm and norm.mid >= 3))
        w('| %s B | %s | %s | %s | %s | %s | %s | %s; %s | %s |' % (
            size, mbs(throughput(raw, size)), mbs(throughput(ours, size)), pct(share), mbs(throughput(ossl, size)),
            pct(of_ossl), mbs(throughput(gss, size)), x(norm), x(direct), '; '.join(targets)))
        seal_missed.extend('%s B: %s' % (size, t.replace(' **missed**', '')) for t in targets if 'missed' in t)
        seal_rows.append((size, throughput(raw, size), throughput(ours, size), throughput(gss, size),
                          throughput(R.t('seal.core.%d' % size), size), throughput(ossl, size)))
    core_share = inv(R.r('seal.core.65536/seal.core_raw.65536'))
    gss_share = inv(R.r('seal.gss.65536/seal.gss_raw.65536'))
    core_ossl = cross(R.rel('seal.openssl.65536', 'seal.core_raw.65536'), R.rel('seal.core.65536', 'seal.core_raw.65536'))
    w('\nNatively the core reaches %s of the same loop at 64 KiB, and %s of OpenSSL\'s pair rate in the same '
      'process; gss-ntlmssp, whose RC4 and MD5 are OpenSSL\'s assembly, runs at %s of the C loop (over 100 %% means '
      'faster than this C loop).\n' % (pct(core_share), pct(core_ossl), pct(gss_share)))
    if seal_missed:
        w('**Missed: %s.** ' % '; '.join(seal_missed))
        if DLL_SEALS_STITCHED:
            w('Why: at 64 KiB the work is RC4 and MD5 over every byte, twice (seal and unseal); the DLL already '
              'runs them stitched, so what remains is MD5\'s own chain (64 dependent steps a block, which no '
              'amount of parallel hardware shortens) against OpenSSL\'s assembly, and the normalisation across '
              'processes on a busy machine. At small sizes it is the per-message cost of an SSPI call under Wine '
              '(buffer scan, lock, handle lookup, keying the HMAC) against a native call. What would close it: '
              'the HMAC\'s inner and outer MD5 states kept keyed per direction instead of keyed per message, and '
              'a quieter machine to measure on.\n')
        else:
            w('Why: the stitched RC4 + MD5 pass (`core/crypto/rc4_md5.c`, the primitives\' figures below) is '
              'in `ntlm_seal`/`ntlm_unseal` but not yet in the SecBuffer path the DLL\'s '
              '`EncryptMessage`/`DecryptMessage` take (`core/ntlm/messages.c`, which another change was '
              'rewriting during this work): there RC4 and HMAC-MD5 still run one after the other, each faster '
              'than before (RC4 eight bytes per word, MD5 with a shorter chain), so the DLL runs at about the C '
              'loop\'s rate, below what the stitched pass gives. What closes it: `protect()` and `unseal()` in '
              '`core/ntlm/messages.c` calling `ntlm_mac_seal`/`ntlm_mac_unseal` for the buffers they encrypt '
              '(a few lines), and at small sizes keeping the HMAC keyed per direction.\n')

    def series(idx):
        return '\n'.join('%d %g %g %g' % (r[0], r[idx].mid, r[idx].lo, r[idx].hi) for r in seal_rows if r[idx])
    plot('seal', HEAD % '%OUT%' + '''set title "2. Sealing throughput: seal + unseal of one message"
set logscale xy
set xlabel "message size (bytes)"
set ylabel "MB/s (log)"
set xtics ("64 B" 64, "1 KiB" 1024, "64 KiB" 65536)
set key top left
$raw << EOD
%s
EOD
$ours << EOD
%s
EOD
$gss << EOD
%s
EOD
$core << EOD
%s
EOD
$ossl << EOD
%s
EOD
plot $raw using 1:2 with linespoints lw 2 dt 2 title "raw C loop (Wine, same process)", \\
     $ossl using 1:2:3:4 with yerrorlines lw 2 dt 3 title "OpenSSL RC4 + HMAC-MD5 pair (native)", \\
     $ours using 1:2:3:4 with yerrorlines lw 2 title "this DLL: EncryptMessage+DecryptMessage (Wine)", \\
     $core using 1:2 with linespoints title "the same core natively", \\
     $gss using 1:2:3:4 with yerrorlines lw 2 title "gss-ntlmssp: gss_wrap+gss_unwrap (native)"
''' % (series(1), series(2), series(3), series(4), series(5)))
    img('seal', 'sealing throughput against message size')

    # ---- 2b. the primitives
    w('### The primitives at 64 KiB, natively\n')
    w('`core_bench prims`: the core\'s RC4 and MD5 and OpenSSL\'s (EVP, assembly), and RC4 + MD5 over the same '
      '64 KiB run as two passes and as the stitched pass sealing uses, timed in turns in one process. '
      'MB/s counts bytes through the primitive.\n')
    w('| primitive | the core, MB/s | OpenSSL, MB/s | the core / OpenSSL (rate) |')
    w('| --- | --- | --- | --- |')

    def prim(ident):
        return R.times.get(ident, [])
    for label, ours, theirs in (('RC4', 'prim.rc4.core', 'prim.rc4.openssl'),
                                ('MD5', 'prim.md5.core', 'prim.md5.openssl')):
        w('| %s | %s | %s | %s |' % (label, mbs(throughput(R.t(ours), 65536)), mbs(throughput(R.t(theirs), 65536)),
                                      x(cross(prim(theirs), prim(ours)))))
    # OpenSSL's two passes: the sum of its RC4 and MD5 times, pass by pass.
    o_rc4, o_md5 = by_pass(prim('prim.rc4.openssl')), by_pass(prim('prim.md5.openssl'))
    o_pair = [(p, o_rc4[p][1] + o_md5[p][1], o_rc4[p][2] + o_md5[p][2], o_rc4[p][3] + o_md5[p][3])
              for p in sorted(set(o_rc4) & set(o_md5))]
    for label, ours in (('RC4 + MD5, two passes', 'prim.rc4md5.separate'),
                        ('RC4 + MD5, stitched (what sealing runs)', 'prim.rc4md5.stitched')):
        w('| %s | %s | %s | %s |' % (label, mbs(throughput(R.t(ours), 65536)),
                                      mbs(throughput(agg(o_pair), 65536)) + ' (its RC4 and MD5 one after the other)',
                                      x(cross(o_pair, prim(ours)))))
    w('\nThe stitched pass against the core\'s own two passes: %s.\n' % x(
        cross(prim('prim.rc4md5.separate'), prim('prim.rc4md5.stitched'))))

    # ---- 3. handshakes
    w('## 3. Handshakes per second\n')
    w('A full NTLM loopback handshake (NEGOTIATE, CHALLENGE, AUTHENTICATE; client and server in one process, '
      'both contexts deleted after), on one thread, and on two threads sharing the two credentials (the threads '
      'are made once; the figure is all handshakes over wall time).\n')
    hs = {}
    for impl in ('sspi', 'core', 'gss'):
        for n in (1, 2):
            hs[impl, n] = per_second(R.t('handshake.%s.%d' % (impl, n)))
    norm1, direct1 = R.speedup('handshake.sspi.1', 'handshake.sspi.ref', 'handshake.gss.1', 'handshake.gss.ref')
    norm2, direct2 = R.speedup('handshake.sspi.2', 'handshake.sspi.ref', 'handshake.gss.2', 'handshake.gss.ref')
    w('| threads | this DLL (Wine), /s | the core natively, /s | gss-ntlmssp (native), /s | this DLL is faster by (normalised; direct) | target |')
    w('| --- | --- | --- | --- | --- | --- |')
    for n, norm, direct in ((1, norm1, direct1), (2, norm2, direct2)):
        ok = None if norm is None else norm.mid >= 8
        fast = None if hs['sspi', n] is None else hs['sspi', n].mid >= 20000
        w('| %d | %s | %s | %s | %s; %s | ≥ 8× %s; ~20,000/s %s |' % (
            n, rate(hs['sspi', n]), rate(hs['core', n]), rate(hs['gss', n]), x(norm, 1), x(direct, 1), verdict(ok),
            verdict(fast)))
    def two_vs_one(impl):
        ref = 'handshake.%s.ref' % impl
        return cross(R.rel('handshake.%s.1' % impl, ref), R.rel('handshake.%s.2' % impl, ref))
    w('\nThroughput with two threads against one: this DLL %s; the core natively %s; gss-ntlmssp %s. '
      'The machine has %s CPUs, shared with other work (load average %s before the run, %s after).\n' % (
          x(two_vs_one('sspi')), x(two_vs_one('core')), x(two_vs_one('gss')),
          env.get('cpu', '?').split(' x ')[-1], env.get('load-before', '?'), env.get('load-after', '?')))
    plot('handshake', HEAD % '%OUT%' + '''set title "3. NTLM loopback handshakes per second"
set style data histograms
set style histogram errorbars gap 1 lw 1
set ylabel "handshakes/s"
set yrange [0:*]
set key top right
$d << EOD
%s
EOD
plot $d using 2:3:4:xtic(1) title "1 thread", '' using 5:6:7 title "2 threads"
''' % '\n'.join('"%s" %g %g %g %g %g %g' % (
        lab, hs[i, 1].mid, hs[i, 1].lo, hs[i, 1].hi, hs[i, 2].mid, hs[i, 2].lo, hs[i, 2].hi)
        for i, lab in (('sspi', 'this DLL (Wine)'), ('core', 'core (native)'), ('gss', 'gss-ntlmssp (native)'))
        if hs[i, 1] and hs[i, 2]))
    img('handshake', 'handshakes per second')

    # ---- 4. scale
    w('## 4. Scale: many live contexts\n')
    n_ctx = R.v('scale.contexts')
    committed, heap = R.v('scale.committed_per_ctx'), R.v('scale.heap_per_ctx')
    w('%s established contexts kept alive at once (half client, half server contexts of loopback sessions), '
      'made in %.1f s. Memory per context is the growth of the process between 10 live contexts and all of '
      'them, divided by their number, measured two ways: committed private memory (every committed private '
      'region of the address space, by `VirtualQuery`: what Windows calls private bytes; Wine 8 does not keep '
      '`GetProcessMemoryInfo`\'s `PrivateUsage`), and the bytes in use in the process\'s heaps (`HeapWalk`, '
      'without the heaps\' own overhead). Both include the handle table\'s growth. Anything a context keeps '
      'in wineserver is not counted: since the fixes below, nothing (all server contexts share one token).\n'
      % ('{:,.0f}'.format(n_ctx) if n_ctx else 'n/a', R.v('scale.establish_s') or 0))
    w('| | per context | target |')
    w('| --- | --- | --- |')
    if committed is not None:
        w('| committed private memory | %.0f B | ≤ 1 KiB %s |' % (committed, verdict(committed <= 1024)))
    if heap is not None:
        w('| heap bytes in use | %.0f B | ≤ 1 KiB %s |' % (heap, verdict(heap <= 1024)))
    w('')
    if committed is not None:
        w('**Where it goes.** The NTLM context object itself (752 bytes in the DLL: 550 of them the two '
          'directions\' RC4 states and signing keys), its names (four or five small heap blocks), a 24-byte '
          'handle table slot (the table doubles: 131,072 slots for 100,000 contexts) and the heap\'s own block '
          'headers (8 bytes, and sizes rounded to 16). What only the handshake needs (the NEGOTIATE and '
          'CHALLENGE copies, the server challenge, the NT hash) lives in a block freed at establishment.\n')
    if committed is not None and committed > 1024:
        w('**Why the committed target is missed.** The object was 744 bytes, which with the heap\'s 8-byte '
          'header filled a 752-byte block exactly. NTLM without extended session security (issue 14) gave each '
          'direction\'s seal state a one-byte `ess` flag (`struct ntlm_seal_dir`), which with the object\'s '
          'alignment makes it 752 bytes; 760 with the header rounds up to the next 16-byte size class, 768: 16 '
          'bytes more per context, which takes the committed figure to %.0f B while the heap in use, %.0f B, '
          'stays under the target. What would close it: the flag kept once per context, or the fields ordered '
          'so that the two bytes fall into existing padding (8 bytes off the object), or the names in one '
          'block instead of four or five.\n' % (committed, heap or 0))
    tag = '%d' % n_ctx if n_ctx else None
    same10, spread10 = R.t('scale.lookup.same.10'), R.t('scale.lookup.spread.10')
    sameN, spreadN = (R.t('scale.lookup.same.%s' % tag), R.t('scale.lookup.spread.%s' % tag)) if tag else (None, None)
    w('Handle lookup: `QueryContextAttributesW(SECPKG_ATTR_SIZES)` (the handle table lookup, the context\'s '
      'lock, four numbers copied) on one handle again and again ("same"), and on every live handle in turn in '
      'a scattered order ("spread", which adds the cache misses of touching a different context each time).\n')
    w('| | 10 live | %s live | ratio | target |' % ('{:,.0f}'.format(n_ctx) if n_ctx else 'n/a'))
    w('| --- | --- | --- | --- | --- |')
    for lab, a, b in (('same handle', same10, sameN), ('spread over all handles', spread10, spreadN)):
        ratio = None if not (a and b) else Fig(b.mid / a.mid, b.lo / a.hi, b.hi / a.lo)
        flat = '' if lab != 'same handle' or ratio is None else 'flat %s' % verdict(ratio.mid <= 1.25)
        w('| %s | %s | %s | %s | %s |' % (lab, '%.0f ns' % a.mid if a else 'n/a', '%.0f ns' % b.mid if b else 'n/a',
                                         x(ratio), flat))
    w('')
    same10_, sameN_ = R.t('scale.lookup.same.10'), R.t('scale.lookup.same.%d' % n_ctx) if n_ctx else None
    if same10_ and sameN_ and sameN_.mid / same10_.mid > 1.25:
        w('**Why "flat" is missed in this run.** The two same-handle lookups are timed at different moments '
          '(with 10 contexts live, then with all of them), not in turns, so a change in the machine\'s load '
          'between the two shows as a change in the ratio; the load average reached %s during this run. The '
          'lookup itself does not depend on the number of live handles (an index and a generation, '
          'core/handles.c). What would close it: timing the two in alternation, with two handle tables in one '
          'process, as the other benchmarks take turns.\n' % env.get('load-after', '?').split()[0])
    plot('scale', HEAD % '%OUT%' + '''set multiplot layout 1,2 title "4. %s live contexts"
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set ylabel "bytes per context"
$m << EOD
%s
EOD
plot $m using 0:2:xtic(1) with boxes lc rgb "#4a7ab5" notitle, 1024 with lines dt 2 lc rgb "red" title "1 KiB target"
set style data histograms
set style histogram errorbars gap 1 lw 1
set ylabel "ns per lookup"
set key top left
$l << EOD
%s
EOD
plot $l using 2:3:4:xtic(1) title "10 live", '' using 5:6:7 title "all live"
unset multiplot
''' % ('{:,.0f}'.format(n_ctx) if n_ctx else '?',
       '\n'.join('"%s" %g' % (lab, v) for lab, v in (('committed private', committed), ('heap in use', heap))
                 if v is not None),
       '\n'.join('"%s" %g %g %g %g %g %g' % (lab, a.mid, a.lo, a.hi, b.mid, b.lo, b.hi)
                 for lab, a, b in (('same handle', same10, sameN), ('spread', spread10, spreadN)) if a and b)))
    img('scale', 'memory per context and lookup cost')

    # ---- 5. cold
    w('## 5. Cold start: LoadLibrary to the first package list\n')
    w('From `LoadLibraryW` of a secur32 to the return of its first `EnumerateSecurityPackagesW`, in a fresh '
      'Wine process each time (the two DLLs taking turns), against Wine\'s builtin secur32 loaded by its '
      'system path in the same run. This DLL\'s list includes the host\'s packages (Kerberos, Negotiate, '
      'Schannel...), so its first enumeration loads Wine\'s builtin as well: its cold cost is the builtin\'s '
      'plus its own. "Reload" repeats load, enumerate and `FreeLibrary` in one process (the builtin first, '
      'while nothing else holds it).\n')

    def sample_fig(ident, col):
        rows = R.samples.get(ident, [])
        if not rows:
            return None
        vals = sorted(r[col] for r in rows)
        q = statistics.quantiles(vals, n=4) if len(vals) > 1 else [vals[0]] * 3
        return Fig(statistics.median(vals), q[0], q[2])

    cold_o, cold_b = sample_fig('cold.ours', 1), sample_fig('cold.builtin', 1)
    load_o, load_b = sample_fig('cold.ours', 2), sample_fig('cold.builtin', 2)
    cold_ratio_fig = cold_ratio(R)
    pk_o = R.samples.get('cold.ours', [(0, 0, 0, 0)])[0][3]
    pk_b = R.samples.get('cold.builtin', [(0, 0, 0, 0)])[0][3]
    rl_o, rl_b = R.t('reload.ours'), R.t('reload.builtin')

    def ms(f):
        return 'n/a' if f is None else '%.2f ms (%.2f–%.2f)' % (f.mid / 1e6, f.lo / 1e6, f.hi / 1e6)
    w('| | this DLL | Wine\'s builtin | this DLL / builtin |')
    w('| --- | --- | --- | --- |')
    w('| cold: LoadLibrary + first enumeration | %s | %s | %s |' % (ms(cold_o), ms(cold_b), x(cold_ratio_fig)))
    w('| of which LoadLibrary | %s | %s | |' % (ms(load_o), ms(load_b)))
    w('| packages listed | %d | %d | |' % (pk_o, pk_b))
    w('| reload in one process | %s | %s | %s |' % (ms(rl_o), ms(rl_b),
                                                   x(None if not (rl_o and rl_b) else Fig(rl_o.mid / rl_b.mid))))
    unl = R.v('reload.builtin.unloads')
    if unl is not None:
        w('\nWine\'s builtin %s unloaded by `FreeLibrary` between reloads.' % ('was' if unl else 'was not'))
    w('')
    plot('cold', bars('5. LoadLibrary to first EnumerateSecurityPackagesW', 'ms',
                      [(lab, f.mid / 1e6, f.lo / 1e6, f.hi / 1e6) for lab, f in (
                          ('cold, this DLL', cold_o), ('cold, builtin', cold_b),
                          ('reload, this DLL', rl_o), ('reload, builtin', rl_b)) if f], '%OUT%'))
    img('cold', 'cold start times')

    # ---- 1b. handoff (pinned)
    w(handoff_section(R))

    # ---- i686
    w(i686_section(R))

    # ---- Kerberos
    w(kerberos_section(R))

    # ---- before / after
    here = os.path.dirname(os.path.abspath(__file__))
    before = os.path.join(here, 'before-fixes.tsv')
    if os.path.exists(before):
        w(before_after(R, before, os.path.join(here, 'before-fixes.md')))

    w('## Reproducing\n')
    w('    bash tools/dev test        # once: installs gss-ntlmssp, libkrb5-dev, gnuplot-nox among the rest')
    w('    make bench                 # or: make bench B=build-x BENCH_PASSES=1 BENCH_CONTEXTS=20000')
    w('    make bench-kerberos        # section 7 alone: krb_bench against its own MIT KDC (krb5-kdc, krb5-admin-server)\n')
    w('Raw results are in `$(B)/bench/results.tsv`; `bench/report.py` turns them into this file and the plots. '
      'The programs can be run alone: `sspi_bench.exe calib|export|seal|handshake|scale N|cold ours|builtin|reload` '
      '(under Wine, next to this DLL, with `WINEDLLOVERRIDES=secur32=n,b` and `NTLM_USER_FILE` set), '
      '`gss_bench` and `core_bench` natively; `core_bench` is the one to profile with `perf`. For Kerberos, '
      '`KRB_BENCH_CMD=\'perf record -g "$prog" "$realm" "$pw" profile seal:64\' bench/kerberos.sh build /dev/null` '
      'runs `krb_bench` under perf with the script\'s KDC up (`profile handshake`, `profile seal:SIZE`).')
    with open(md_path, 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
