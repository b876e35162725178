#!/usr/bin/env python3
"""Independent NumPy oracle for the InVEST Coastal Blue Carbon (CBC) timeline.

This is a re-derivation (not a copy) of the behaviour of
natcap/invest@54ff9ca1c983f3f6239c94891e98c0c0269d84a4
src/natcap/invest/coastal_blue_carbon/coastal_blue_carbon.py, as written up in
/work/notes/invest_cbc_equations.md.  Valuation (NPV) is deliberately left out.

Only python3 + numpy are needed (works with numpy 1.24 and 2.x).  On the dev
machine use the Debian interpreter, which has numpy: ``/usr/bin/python3``.

Conventions (all per pixel, units are whatever the tables use, CO2e/ha):

* ``B`` = earliest snapshot year (baseline), ``T1 < T2 < ...`` = the other
  snapshot years (transitions), ``A`` = analysis year (defaults to the last
  snapshot year), ``E`` = end of baseline period = ``T1`` (or ``A`` when there
  is no transition).
* ``stocks[pool][i]`` is the stock at the *beginning* of ``years[i]``
  (years = B..A inclusive).
* per-year fluxes (accumulation, emissions, net sequestration) are indexed by
  ``flux_years`` = B..A-1; the flux of year y moves stocks from y to y+1.
  (InVEST also writes year-A intermediate rasters when there are transitions,
  but they never enter any total, so they are not produced here.)
* Everything is float64; InVEST works in float32, so compare with rtol ~1e-5.

Command line::

    /usr/bin/python3 invest_cbc_reference.py BIOPHYSICAL.csv TRANSITIONS.csv \
        SNAPSHOTS.json [--analysis-year YEAR] [--totals-only]
    /usr/bin/python3 invest_cbc_reference.py --self-check

SNAPSHOTS.json is either ``{"2000": "lulc2000.npy", "2010": [[1, 2]]}``
(values: a .npy path relative to the JSON file, or an inline nested list) or
``{"snapshots": {...same...}, "analysis_year": 2030}``.
"""

import csv
import json
import math
import os
import sys

import numpy as np

POOLS = ('biomass', 'soil', 'litter')
EMITTING_POOLS = ('biomass', 'soil')   # litter never emits / is never disturbed
DISTURB_LEVELS = ('low-impact-disturb', 'med-impact-disturb',
                  'high-impact-disturb')
VALID_TRANSITIONS = ('accum', 'ncc') + DISTURB_LEVELS


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------
def _norm(text):
    """InVEST strips and lower-cases string cells / class names."""
    return str(text).strip().lower()


def _is_close_to_zero(array):
    """numpy.isclose(x, 0.0) with numpy's default atol=1e-8 (as InVEST)."""
    return np.abs(array) <= 1e-8


def _reclassify(lulc, rows, column):
    """Per-pixel lookup of ``rows[lucode][column]`` (float64)."""
    codes, inverse = np.unique(lulc, return_inverse=True)
    missing = [int(c) for c in codes if int(c) not in rows]
    if missing:
        raise KeyError(f'lucode(s) {missing} not in the biophysical table')
    values = np.array([float(rows[int(c)][column]) for c in codes],
                      dtype=np.float64)
    return values[inverse].reshape(lulc.shape)


def _transition_kind(transitions, from_code, to_code):
    """'' (blank / absent), 'ncc', 'accum' or one of DISTURB_LEVELS."""
    return transitions.get((int(from_code), int(to_code)), '')


def _pairwise(lulc_from, lulc_to, func):
    """Evaluate ``func(from_code, to_code) -> float`` on each pixel."""
    stacked = np.stack([lulc_from.ravel(), lulc_to.ravel()], axis=1)
    pairs, inverse = np.unique(stacked, axis=0, return_inverse=True)
    values = np.array([float(func(int(f), int(t))) for f, t in pairs],
                      dtype=np.float64)
    return values[np.asarray(inverse).ravel()].reshape(lulc_from.shape)


def _normalise_transitions(biophysical_rows, transitions):
    """Accept keys as lucodes or lulc-class names; return {(int,int): kind}."""
    name_to_code = {}
    for code, row in biophysical_rows.items():
        if 'lulc-class' in row:
            name_to_code[_norm(row['lulc-class'])] = int(code)

    def to_code(key):
        if isinstance(key, (int, np.integer)):
            return int(key)
        try:
            return int(key)
        except (TypeError, ValueError):
            return name_to_code[_norm(key)]

    result = {}
    for (src, dst), kind in transitions.items():
        if kind is None or (isinstance(kind, float) and math.isnan(kind)):
            continue
        kind = _norm(kind)
        if kind == '':
            continue
        if kind not in VALID_TRANSITIONS:
            raise ValueError(f'invalid transition value {kind!r} for '
                             f'{src!r}->{dst!r}; expected {VALID_TRANSITIONS}')
        result[(to_code(src), to_code(dst))] = kind
    return result


# --------------------------------------------------------------------------
# the equations
# --------------------------------------------------------------------------
def emissions_in_year(disturbed_volume, year_of_disturbance, half_life, year):
    """Emission in ``year`` from a disturbance of volume D in year y0.

    E = D * (0.5**((year - y0) / h) - 0.5**((year - y0 + 1) / h));
    the transition year itself (year == y0) emits D * (1 - 0.5**(1/h)).
    h ~= 0 (|h| <= 1e-8) means "no emissions" -> 0.  Pixels never disturbed
    (y0 < 0) -> 0 here (InVEST writes nodata there).
    """
    d = np.asarray(disturbed_volume, dtype=np.float64)
    y0 = np.asarray(year_of_disturbance)
    h = np.asarray(half_life, dtype=np.float64)
    valid = (y0 >= 0) & ~_is_close_to_zero(h)
    safe_h = np.where(valid, h, 1.0)
    elapsed = np.where(valid, year - y0, 0).astype(np.float64)
    out = d * (0.5 ** (elapsed / safe_h) - 0.5 ** ((elapsed + 1.0) / safe_h))
    return np.where(valid, out, 0.0), valid


def run(biophysical_rows, transitions, snapshots, analysis_year=None):
    """Run the CBC timeline on integer LULC arrays.

    Args:
        biophysical_rows: {lucode: {column: value}} with the biophysical table
            columns (``biomass-initial``, ``soil-half-life``, ...).  A
            ``lulc-class`` entry is needed only if ``transitions`` uses names.
        transitions: {(from, to): str}; from/to are lucodes or lulc-class
            names; values 'accum', 'NCC', 'low-/med-/high-impact-disturb' or
            '' (blank == absent).
        snapshots: {year: integer ndarray}; the earliest year is the baseline.
        analysis_year: int or None (None -> last snapshot year).

    Returns:
        dict, see the module docstring and ``_to_jsonable``.
    """
    rows = {int(k): v for k, v in biophysical_rows.items()}
    trans = _normalise_transitions(rows, transitions)
    snaps = {int(y): np.asarray(a) for y, a in snapshots.items()}
    if not snaps:
        raise ValueError('at least one snapshot is required')
    snap_years = sorted(snaps)
    shape = snaps[snap_years[0]].shape
    for y in snap_years:
        if snaps[y].shape != shape:
            raise ValueError('all snapshots must have the same shape')

    baseline = snap_years[0]
    transition_years = snap_years[1:]
    if analysis_year is None:
        if not transition_years:
            raise ValueError('analysis_year is required with one snapshot')
        analysis_year = snap_years[-1]
    analysis_year = int(analysis_year)
    if analysis_year < snap_years[-1]:
        raise ValueError('analysis_year must be >= the last snapshot year')
    if analysis_year == baseline:
        raise ValueError('analysis_year must be after the baseline year')
    end_of_baseline = transition_years[0] if transition_years else analysis_year

    years = list(range(baseline, analysis_year + 1))
    flux_years = years[:-1]
    n_years, n_flux = len(years), len(flux_years)

    stocks = {p: np.full((n_years,) + shape, np.nan) for p in POOLS}
    acc_rate = {p: np.zeros((n_flux,) + shape) for p in POOLS}
    accumulation = {p: np.zeros((n_flux,) + shape) for p in POOLS}
    emissions = {p: np.zeros((n_flux,) + shape) for p in POOLS}
    net = {p: np.zeros((n_flux,) + shape) for p in POOLS}
    total_stock_invest = np.zeros((n_years,) + shape)
    # litter stock continued with the litter rate of the current class: what
    # the user's guide eq. cbc_stocks_litter describes; NOT an InVEST output
    # after the first transition.
    litter_extended = np.zeros((n_years,) + shape)

    # ---- baseline period: B .. E (stocks), B .. E-1 (fluxes) -------------
    lulc_b = snaps[baseline]
    initial = {p: _reclassify(lulc_b, rows, f'{p}-initial') for p in POOLS}
    rate_b = {p: _reclassify(lulc_b, rows, f'{p}-yearly-accumulation')
              for p in POOLS}
    for i, y in enumerate(years):
        if y > end_of_baseline:
            break
        for p in POOLS:
            stocks[p][i] = initial[p] + rate_b[p] * (y - baseline)
        litter_extended[i] = stocks['litter'][i]
        total_stock_invest[i] = (stocks['soil'][i] + stocks['biomass'][i]
                                 + rate_b['litter'])
        if y < end_of_baseline:
            for p in POOLS:
                acc_rate[p][i] = rate_b[p]
                accumulation[p][i] = rate_b[p]
                net[p][i] = rate_b[p]

    accumulation_between = {}
    emissions_between = {}
    net_between = {}
    baseline_rate_all = rate_b['biomass'] + rate_b['soil'] + rate_b['litter']
    net_between[(baseline, end_of_baseline)] = (
        baseline_rate_all * (end_of_baseline - baseline))

    # per-transition-year intermediates (what InVEST writes to intermediate/)
    per_transition = {k: {p: {} for p in EMITTING_POOLS} for k in (
        'accumulation_rate', 'disturbance_magnitude', 'disturbance_volume',
        'year_of_latest_disturbance', 'halflife')}
    litter_rate_at = {baseline: rate_b['litter']}
    rates_at = {baseline: rate_b}

    if transition_years:
        disturbed = {p: np.zeros(shape) for p in EMITTING_POOLS}
        year0 = {p: np.full(shape, -1, dtype=np.int64) for p in EMITTING_POOLS}
        half_life = {p: np.zeros(shape) for p in EMITTING_POOLS}
        cur_rate = {p: np.zeros(shape) for p in EMITTING_POOLS}
        cur_litter_rate = rate_b['litter']
        prev_lulc = lulc_b
        t_set = set(transition_years)
        i0 = years.index(end_of_baseline)
        for i in range(i0, n_years):
            y = years[i]
            if y in t_set:
                lulc = snaps[y]
                for p in EMITTING_POOLS:
                    # 'accum' -> rate of the destination class; else 0
                    cur_rate[p] = _pairwise(prev_lulc, lulc, lambda f, t, p=p: (
                        rows[t][f'{p}-yearly-accumulation']
                        if _transition_kind(trans, f, t) == 'accum' else 0.0))
                    # '*-disturb' -> fraction of the SOURCE class; else 0
                    magnitude = _pairwise(prev_lulc, lulc, lambda f, t, p=p: (
                        rows[f][f'{p}-{_transition_kind(trans, f, t)}']
                        if _transition_kind(trans, f, t) in DISTURB_LEVELS
                        else 0.0))
                    # half-life comes from the class at the PREVIOUS snapshot
                    half_life[p] = _reclassify(prev_lulc, rows, f'{p}-half-life')
                    hit = magnitude != 0.0
                    # latest non-zero disturbance replaces any earlier one
                    disturbed[p] = np.where(hit, magnitude * stocks[p][i],
                                            disturbed[p])
                    year0[p] = np.where(hit, y, year0[p])
                    pt = per_transition
                    pt['accumulation_rate'][p][y] = cur_rate[p].copy()
                    pt['disturbance_magnitude'][p][y] = magnitude
                    pt['disturbance_volume'][p][y] = disturbed[p].copy()
                    pt['year_of_latest_disturbance'][p][y] = year0[p].copy()
                    pt['halflife'][p][y] = half_life[p].copy()
                # litter: plain reclassification of the NEW class, no matrix
                cur_litter_rate = _reclassify(lulc, rows,
                                              'litter-yearly-accumulation')
                litter_rate_at[y] = cur_litter_rate
                rates_at[y] = {'biomass': cur_rate['biomass'].copy(),
                               'soil': cur_rate['soil'].copy(),
                               'litter': cur_litter_rate}
                prev_lulc = lulc

            total_stock_invest[i] = (stocks['soil'][i] + stocks['biomass'][i]
                                     + cur_litter_rate)
            if y == analysis_year:
                break
            # fluxes during year y (index i in flux arrays)
            for p in EMITTING_POOLS:
                em, _ = emissions_in_year(disturbed[p], year0[p],
                                          half_life[p], y)
                emitting = ~_is_close_to_zero(em)
                emissions[p][i] = em
                acc_rate[p][i] = cur_rate[p]
                accumulation[p][i] = np.where(emitting, 0.0, cur_rate[p])
                net[p][i] = np.where(emitting, -em, cur_rate[p])
                stocks[p][i + 1] = stocks[p][i] + net[p][i]
            # InVEST tracks no litter flux after the first transition
            acc_rate['litter'][i] = 0.0
            litter_extended[i + 1] = litter_extended[i] + cur_litter_rate

        # interval summaries [T_k, T_k+1) and [T_last, A)
        bounds = sorted(set(transition_years) | {analysis_year})
        for start, stop in zip(bounds[:-1], bounds[1:]):
            lo, hi = years.index(start), years.index(stop)
            emissions_between[(start, stop)] = sum(
                emissions[p][lo:hi].sum(axis=0) for p in EMITTING_POOLS)
            net_between[(start, stop)] = sum(
                net[p][lo:hi].sum(axis=0) for p in EMITTING_POOLS)
    else:
        for i in range(n_years):
            litter_extended[i] = stocks['litter'][i]

    # gross "carbon-accumulation-between" (ignores emissions precedence)
    bounds = [baseline] + sorted(set(transition_years) | {analysis_year})
    for start, stop in zip(bounds[:-1], bounds[1:]):
        r = rates_at[start]
        accumulation_between[(start, stop)] = (
            (r['biomass'] + r['soil'] + r['litter']) * (stop - start))

    total_net = sum(net_between.values())
    stock_years = sorted({baseline, *transition_years, analysis_year})
    carbon_stock_at = {y: total_stock_invest[years.index(y)]
                       for y in stock_years}

    return {
        'baseline_year': baseline,
        'transition_years': transition_years,
        'analysis_year': analysis_year,
        'end_of_baseline_period': end_of_baseline,
        'years': years,
        'flux_years': flux_years,
        'stocks': stocks,                     # litter NaN after E (as InVEST)
        'litter_stock_extended': litter_extended,   # NOT an InVEST output
        'total_stock_invest': total_stock_invest,   # soil+biomass+litter RATE
        'carbon_stock_at': carbon_stock_at,
        'accumulation_rate': acc_rate,
        'accumulation': accumulation,         # realised (0 while emitting)
        'emissions': emissions,
        'net_sequestration': net,
        'net_sequestration_all_pools': sum(net[p] for p in POOLS),
        'per_transition': per_transition,
        'carbon_accumulation_between': accumulation_between,
        'carbon_emissions_between': emissions_between,
        'net_sequestration_between': net_between,
        'total_net_sequestration': total_net,
        # InVEST writes total-net-carbon-sequestration.tif only when there is
        # at least one transition year.
        'invest_writes_total_net_sequestration': bool(transition_years),
    }


# --------------------------------------------------------------------------
# I/O
# --------------------------------------------------------------------------
def read_biophysical_csv(path):
    rows = {}
    with open(path, newline='', encoding='utf-8-sig') as f:
        reader = csv.DictReader(f)
        for raw in reader:
            row = {_norm(k): (v.strip() if isinstance(v, str) else v)
                   for k, v in raw.items() if k is not None}
            if not any(row.values()):
                continue
            code = int(float(row['lucode']))
            parsed = {}
            for k, v in row.items():
                if k in ('lucode',):
                    continue
                if k == 'lulc-class':
                    parsed[k] = _norm(v)
                else:
                    parsed[k] = float(v)
            rows[code] = parsed
    return rows


def read_transitions_csv(path, biophysical_rows):
    name_to_code = {_norm(r['lulc-class']): c
                    for c, r in biophysical_rows.items()}
    result = {}
    with open(path, newline='', encoding='utf-8-sig') as f:
        reader = csv.reader(f)
        header = [_norm(h) for h in next(reader)]
        if header[0] != 'lulc-class':
            raise ValueError("first column of the transition table must be "
                             "'lulc-class'")
        for line in reader:
            if not line or not any(c.strip() for c in line):
                continue
            src = name_to_code[_norm(line[0])]
            for col, cell in zip(header[1:], line[1:]):
                if cell.strip() == '':
                    continue
                result[(src, name_to_code[col])] = _norm(cell)
    return result


def read_snapshots_json(path):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    analysis_year = None
    if isinstance(data, dict) and 'snapshots' in data:
        analysis_year = data.get('analysis_year')
        data = data['snapshots']
    base = os.path.dirname(os.path.abspath(path))
    snaps = {}
    for year, value in data.items():
        if isinstance(value, str):
            p = value if os.path.isabs(value) else os.path.join(base, value)
            snaps[int(year)] = np.load(p)
        else:
            snaps[int(year)] = np.asarray(value, dtype=np.int64)
    return snaps, analysis_year


def _to_jsonable(obj):
    if isinstance(obj, np.ndarray):
        return np.where(np.isnan(obj), None, obj).tolist() \
            if obj.dtype.kind == 'f' else obj.tolist()
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            key = f'{k[0]}-{k[1]}' if isinstance(k, tuple) else str(k)
            out[key] = _to_jsonable(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [_to_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


# --------------------------------------------------------------------------
# self-check
# --------------------------------------------------------------------------
def _zero_row(name):
    row = {'lulc-class': name}
    for p in POOLS:
        row[f'{p}-initial'] = 0.0
        row[f'{p}-yearly-accumulation'] = 0.0
    for p in EMITTING_POOLS:
        row[f'{p}-half-life'] = 0.0
        for lvl in DISTURB_LEVELS:
            row[f'{p}-{lvl}'] = 0.0
    return row


def self_check(verbose=True):
    # Case 1 (hand computed): one pixel, marsh (1) in 2000 -> developed (2)
    # in 2002 via high-impact-disturb, analysis year 2005.
    marsh = _zero_row('marsh')
    marsh.update({'biomass-initial': 30, 'soil-initial': 100,
                  'litter-initial': 5, 'biomass-yearly-accumulation': 1,
                  'soil-yearly-accumulation': 2,
                  'litter-yearly-accumulation': 0.5,
                  'biomass-half-life': 1, 'soil-half-life': 2,
                  'biomass-high-impact-disturb': 1.0,
                  'soil-high-impact-disturb': 0.5})
    bio = {1: marsh, 2: _zero_row('developed')}
    trans = {('marsh', 'marsh'): 'accum',
             ('marsh', 'developed'): 'high-impact-disturb',
             ('developed', 'developed'): 'NCC'}
    res = run(bio, trans, {2000: [[1]], 2002: [[2]]}, 2005)
    # By hand:
    #  baseline 2000-2001 accumulates 1 / 2 / 0.5 per year:
    #   stocks biomass 30,31,32 ; soil 100,102,104 ; litter 5,5.5,6 (2000..02)
    #   net seq 2000->2002 = (1+2+0.5)*2 = 7
    #  2002: D_bio = 1.0*32 = 32 (h=1), D_soil = 0.5*104 = 52 (h=2)
    #   E_bio  2002..2004 = 32*(1-.5)=16, 32*(.5-.25)=8, 32*(.25-.125)=4
    #   E_soil 2002 = 52*(1-2**-0.5)      = 15.230447378
    #          2003 = 52*(2**-0.5-0.5)    = 10.769552622
    #          2004 = 52*(0.5-2**-1.5)    =  7.615223689
    #   stocks 2005: biomass 32-28 = 4 ; soil 104-33.615223689 = 70.384776311
    #   net seq 2002->2005 = -(28 + 33.615223689) = -61.615223689
    #   total net seq = 7 - 61.615223689 = -54.615223689
    #   InVEST "total stock" 2000 = 30+100+0.5 (litter RATE, not stock)=130.5
    #   InVEST "total stock" 2005 = 4 + 70.384776311 + 0 = 74.384776311
    s = res['stocks']
    checks = [
        (s['biomass'][:, 0, 0], [30, 31, 32, 16, 8, 4]),
        (s['soil'][:3, 0, 0], [100, 102, 104]),
        (s['litter'][:3, 0, 0], [5, 5.5, 6]),
        (res['emissions']['biomass'][2:, 0, 0], [16, 8, 4]),
        (res['emissions']['soil'][2:, 0, 0],
         [15.230447378, 10.769552622, 7.615223689]),
        (s['soil'][5, 0, 0], 70.384776311),
        (res['net_sequestration_between'][(2000, 2002)][0, 0], 7.0),
        (res['net_sequestration_between'][(2002, 2005)][0, 0],
         -61.615223689),
        (res['carbon_emissions_between'][(2002, 2005)][0, 0], 61.615223689),
        (res['total_net_sequestration'][0, 0], -54.615223689),
        (res['carbon_stock_at'][2000][0, 0], 130.5),
        (res['carbon_stock_at'][2005][0, 0], 74.384776311),
        (res['carbon_accumulation_between'][(2002, 2005)][0, 0], 0.0),
    ]
    for got, want in checks:
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-9)
    if verbose:
        print('case 1 (marsh -> developed, one pixel):')
        for key in ('biomass', 'soil', 'litter'):
            print(f'  stocks {key:8s}', np.round(s[key][:, 0, 0], 6).tolist())
        print('  emissions biomass', res['emissions']['biomass'][:, 0, 0].tolist())
        print('  emissions soil   ',
              np.round(res['emissions']['soil'][:, 0, 0], 9).tolist())
        print('  net seq between  ', {f'{a}-{b}': round(float(v[0, 0]), 9)
              for (a, b), v in res['net_sequestration_between'].items()})
        print('  total net seq    ', round(float(res['total_net_sequestration'][0, 0]), 9))

    # Case 2: numbers asserted by InVEST's own tests/test_coastal_blue_carbon.py
    # (TestCBC2._create_model_args / test_model): mangrove(1)/parking lot(2),
    # snapshots 2000 [1,2], 2010 [2,1], 2020 [1,2], analysis year 2030.
    mangrove = _zero_row('mangrove')
    mangrove.update({'biomass-initial': 64, 'soil-initial': 313,
                     'litter-initial': 3, 'biomass-half-life': 15,
                     'biomass-low-impact-disturb': 0.5,
                     'biomass-med-impact-disturb': 0.5,
                     'biomass-high-impact-disturb': 1,
                     'biomass-yearly-accumulation': 2,
                     'soil-half-life': 7.5, 'soil-low-impact-disturb': 0.3,
                     'soil-med-impact-disturb': 0.5,
                     'soil-high-impact-disturb': 0.66,
                     'soil-yearly-accumulation': 5.35,
                     'litter-yearly-accumulation': 1})
    bio2 = {1: mangrove, 2: _zero_row('parking lot')}
    trans2 = {('mangrove', 'mangrove'): 'NCC',
              ('mangrove', 'parking lot'): 'high-impact-disturb',
              ('parking lot', 'mangrove'): 'accum',
              ('parking lot', 'parking lot'): 'NCC'}
    snaps2 = {2000: [[1, 2]], 2010: [[2, 1]], 2020: [[1, 2]]}
    r2 = run(bio2, trans2, snaps2, 2030)
    nb = r2['net_sequestration_between']
    np.testing.assert_allclose(nb[(2000, 2010)], [[83.5, 0]], rtol=1e-6)
    np.testing.assert_allclose(nb[(2010, 2020)], [[-176.9792, 73.5]],
                               rtol=1e-6)
    np.testing.assert_allclose(nb[(2020, 2030)], [[73.5, -28.698004]],
                               rtol=1e-6)
    np.testing.assert_allclose(
        r2['total_net_sequestration'],
        [[83.5 - 176.9792 + 73.5, 73.5 - 28.698004]], rtol=1e-5)
    # no analysis year: the last snapshot is the end, totals stop at 2020
    r3 = run(bio2, trans2, snaps2, None)
    np.testing.assert_allclose(r3['total_net_sequestration'],
                               [[83.5 - 176.9792, 73.5]], rtol=1e-6)
    # InVEST test_emissions: D=5.5, y0=10, h=7.5, year 15 -> 0.3058625
    em, _ = emissions_in_year(5.5, 10, 7.5, 15)
    np.testing.assert_allclose(em, 0.3058625, rtol=1e-6)
    if verbose:
        print('case 2 (InVEST test_model values):')
        print('  net seq between  ', {f'{a}-{b}': np.round(v, 4).tolist()
              for (a, b), v in nb.items()})
        print('self-check OK')
    return True


def main(argv):
    if not argv or argv[0] == '--self-check':
        self_check()
        return 0
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('biophysical_csv')
    parser.add_argument('transitions_csv')
    parser.add_argument('snapshots_json')
    parser.add_argument('--analysis-year', type=int, default=None)
    parser.add_argument('--totals-only', action='store_true')
    args = parser.parse_args(argv)
    rows = read_biophysical_csv(args.biophysical_csv)
    trans = read_transitions_csv(args.transitions_csv, rows)
    snaps, json_year = read_snapshots_json(args.snapshots_json)
    year = args.analysis_year if args.analysis_year is not None else json_year
    result = run(rows, trans, snaps, year)
    if args.totals_only:
        keep = ('baseline_year', 'transition_years', 'analysis_year',
                'end_of_baseline_period', 'carbon_stock_at',
                'carbon_accumulation_between', 'carbon_emissions_between',
                'net_sequestration_between', 'total_net_sequestration',
                'invest_writes_total_net_sequestration')
        result = {k: result[k] for k in keep}
    json.dump(_to_jsonable(result), sys.stdout, indent=1)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
