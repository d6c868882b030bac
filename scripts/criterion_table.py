#!/usr/bin/env python3
"""Prints criterion results (target/criterion) as Markdown: one row per benchmark id, with the
median time and the throughput in elements per second.

usage: python3 scripts/criterion_table.py GROUP [GROUP ...]
"""
import glob, json, os, sys

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'target', 'criterion')


def rows(group):
    for bench in sorted(glob.glob(os.path.join(ROOT, '**', 'new', 'benchmark.json'), recursive=True)):
        meta = json.load(open(bench))
        if meta.get('group_id') != group:
            continue
        est = json.load(open(os.path.join(os.path.dirname(bench), 'estimates.json')))
        ns = est['median']['point_estimate']
        tp = meta.get('throughput') or {}
        n = tp.get('Elements') or tp.get('Bytes')
        unit = 'elem' if 'Elements' in tp else 'B'
        name = meta.get('function_id') or ''
        if meta.get('value_str'):
            name = f"{name} {meta['value_str']}".strip()
        yield name, ns, (n / ns * 1e3 if n else None), unit


def fmt_time(ns):
    for u, s in (('s', 1e9), ('ms', 1e6), ('µs', 1e3)):
        if ns >= s:
            return f'{ns / s:.3g} {u}'
    return f'{ns:.3g} ns'


for group in sys.argv[1:]:
    print(f'\n**{group}**\n\n| benchmark | median | M/s |\n|---|---:|---:|')
    for name, ns, rate, unit in rows(group):
        r = f'{rate:,.1f}' if rate else ''
        print(f'| {name} | {fmt_time(ns)} | {r} |')
