#!/usr/bin/env python3
# Generates models/carbon/north_china_2019.json from the IPCC tables extracted as CSV in
# ../shared/data/ipcc-factors (forest_2019.csv, other_tables.csv): every number with its table,
# row, page and uncertainty. Usage: scripts/models/gen_north_china_2019.py [IPCC_FACTORS_DIR]
# (writes the model file; review the git diff).
import csv, json, math, re, collections, os, sys
HERE=os.path.dirname(os.path.abspath(__file__))
REPO=os.path.dirname(os.path.dirname(HERE))
D=(sys.argv[1] if len(sys.argv)>1 else os.path.join(REPO,'..','shared','data','ipcc-factors'))+'/'
forest=list(csv.DictReader(open(D+'forest_2019.csv')))
other=list(csv.DictReader(open(D+'other_tables.csv')))
verified=list(csv.DictReader(open(D+'other_tables_verified.csv')))
# 2013 Wetlands Supplement defaults as the IPCC Emission Factor Database gives them (no
# uncertainties, depths or pages there: see ../shared/data/ipcc-wetlands/SOURCES.txt).
WD=os.path.join(os.path.dirname(D.rstrip('/')),'ipcc-wetlands')+'/'
wet=list(csv.DictReader(open(WD+'wetlands_2013.csv')))
# Shandong's stand biomass-volume fits B = aV + b (Zhang et al. 2018 Table 1, B live trees with
# roots): see ../shared/data/china-forest-bef/SOURCES.txt.
BD=os.path.join(os.path.dirname(D.rstrip('/')),'china-forest-bef')+'/'
bef_rows=list(csv.DictReader(open(BD+'china_bef_coefficients.csv')))

def row(file, **kw):
    rows = forest if file=='forest_2019.csv' else other
    m=[r for r in rows if all(r[k]==v for k,v in kw.items())]
    assert len(m)==1, (kw, len(m))
    return m[0]

def selector(file, kw):
    return file+'#'+';'.join(f'{k}={v}' for k,v in kw.items())

def r3(x): return float(f'{x:.6g}')

def leaf(file, source, note=None, unverified=False, proxy=False, **kw):
    r=row(file, **kw)
    out=collections.OrderedDict()
    raw_unc=r['uncertainty_raw']
    if r['value']!='':
        v=float(r['value'])
        out['value']=v
    else:
        lo,hi=float(r['lower']),float(r['upper'])
        v=(lo+hi)/2
        out['value']=r3(v)
        out['range']=[lo,hi]
        m=re.match(r'^±(\d+)%',raw_unc)
        if m:
            p=float(m.group(1))/100
            out['ci95']=[r3(v*(1-p)),r3(v*(1+p))]
        else:
            out['ci95']=[lo,hi]
    if 'ci95' not in out:
        if False: pass
        elif r['sd']!='':
            out['sd']=float(r['sd'])
        elif r['lower']!='' and r['upper']!='':
            out['ci95']=[float(r['lower']),float(r['upper'])]
        else:
            m=re.match(r'^±(\d+)%',raw_unc)
            if m:
                p=float(m.group(1))/100
                out['ci95']=[r3(v*(1-p)),r3(v*(1+p))]
    src=source
    if r.get('page'): src+=f", p. {r['page']}"
    if r.get('references') and not r['references'].startswith('see'): src+=f" (table ref. {r['references']})"
    if 'range' in out: src+=f"; the cell prints a range {r['lower']}-{r['upper']}: its midpoint is used"
    if raw_unc and 'ci95' in out and re.match(r'^±\d+%',raw_unc):
        src+=f"; uncertainty {raw_unc} read as a 95 % interval"
    elif r['sd']!='':
        src+=f"; SD {r['sd']}"
    elif raw_unc.startswith('±') and 'ci95' in out:
        src+=f"; 95 % CI {raw_unc}"
    elif raw_unc=='' and 'ci95' not in out and 'sd' not in out:
        src+="; the table gives no uncertainty"
    out['source']=src
    out['csv']=selector(file,kw)
    if note: out['note']=note
    if unverified: out['unverified']=True
    if proxy: out['proxy']=True
    return out

def other_leaf(label, table, source, pct_is_2sd=True, note=None, unverified=False, proxy=False):
    r=row('other_tables.csv', table=table, row_label=label)
    v=float(r['value_raw'])
    out=collections.OrderedDict(value=v)
    m=re.match(r'^±(\d+)%',r['uncertainty_raw'])
    if m:
        p=float(m.group(1))/100
        out['ci95']=[r3(v*(1-p)),r3(v*(1+p))]
        source+=f"; error {r['uncertainty_raw'].split(' ')[0]} (two standard deviations as % of the mean) read as a 95 % interval"
    else:
        source+="; the transcription gives no uncertainty"
    out['source']=source+" [third-party transcription in ipcc-factors/other_tables.csv, not checked against the IPCC page]"
    out['csv']=selector('other_tables.csv',{'table':table,'row_label':label})
    if note: out['note']=note
    if unverified: out['unverified']=True
    if proxy: out['proxy']=True
    return out

EFDB_NOTE="the EFDB record gives no uncertainty, table number or page (no copy of the Supplement was found)"
def wleaf(label, source, sign=1.0, scale=1.0, ci95=None, ci_source=None, note=None):
    # A Wetlands Supplement default by its EFDB row; sign -1 turns the EFDB's removal convention
    # (negative EF_RE) into this library's positive rate; scale converts a percentage.
    r=[x for x in wet if x['row_label']==label]
    assert len(r)==1, label
    r=r[0]
    out=collections.OrderedDict(value=r3(float(r['value'])*sign*scale))
    ef=r['source'].split('EF ID ')[-1].rstrip(')')
    src=f"{source} [IPCC Emission Factor Database, EF ID {ef}]"
    if ci95:
        out['ci95']=ci95
        src+=f"; 95 % CI {ci_source}"
    else:
        src+="; "+EFDB_NOTE
    out['source']=src
    # the selector separates its keys with ';', so a label holding one is selected by its columns
    sel={'row_label':label} if ';' not in label else {'quantity':r['quantity'],'species_or_type':r['species_or_type']}
    assert len([x for x in wet if all(x[k]==v for k,v in sel.items())])==1, sel
    out['csv']=selector('wetlands_2013.csv', sel)
    if sign!=1.0: out['csv_sign']=sign
    if scale!=1.0: out['csv_scale']=scale
    if note: out['note']=note
    return out

def recalled(value, source, ci95=None, sd=None, note=None):
    out=collections.OrderedDict(value=value)
    if ci95: out['ci95']=ci95
    if sd is not None: out['sd']=sd
    out['source']=source
    out['unverified']=True
    out['note']=(note+' ' if note else '')+"Not in ../shared/data and not found with the search tool: the number is as recalled from the cited table and must be checked against it before reporting."
    return out

def na(reason, csvsel=None):
    o=collections.OrderedDict(notation='NA', reason=reason)
    if csvsel: o['csv']=csvsel
    return o
def ne(reason):
    return collections.OrderedDict(notation='NE', reason=reason)

T47='IPCC 2019 V4 Table 4.7 (AGB in natural forests), Asia'
T44='IPCC 2019 V4 Table 4.4 (root-to-shoot ratio), Asia, oceanic/continental/mountain (Luo et al. 2014, Chinese data)'
T48='IPCC 2019 V4 Table 4.8 (AGB in plantations), Asia'
T412='IPCC 2019 V4 Table 4.12 (summary of Tables 4.7-4.10), Asia'
T49='IPCC 2019 V4 Table 4.9 (AGB net growth in natural forests)'

def rs44(origin, species, cond):
    return leaf('forest_2019.csv', f"{T44}, {origin}, {species}, {cond}", table='4.4', continent='Asia',
                ecological_zone='Oceanic / Continental / Mountain (single merged cell)', origin=origin,
                species_or_type=species, condition=cond, quantity='root_shoot_ratio')

def rs_steps(origin, species):
    return collections.OrderedDict(steps=[
        collections.OrderedDict(agb_at_most=125, ratio=rs44(origin, species, 'AGB ≤125 t/ha')),
        collections.OrderedDict(ratio=rs44(origin, species, 'AGB >125 t/ha'))],
        source=f"{T44}: R for AGB <= 125 and > 125 t d.m./ha")

# ---- BCEF by growing-stock level (IPCC 2006 V4 Table 4.5, EFDB records) ----
def bcef_table(kind, description):
    levels=[('<20 m3/ha',20),('21-40 m3/ha',40),('41-100 m3/ha',100),('100-200 m3/ha',200),('>200 m3/ha',None)]
    steps=[]
    for lab,below in levels:
        st=collections.OrderedDict()
        if below is not None: st['growing_stock_below']=below
        for q,name in [('BCEFs','bcef_s'),('BCEFr','bcef_r'),('BCEFi','bcef_i')]:
            label=f'Temperate / {kind} / growing stock {lab} / {q}'
            r=[x for x in verified if x['table']=='IPCC 2006 V4 Ch4 Table 4.5' and x['row_label']==label]
            assert len(r)==1,label
            r=r[0]
            o=collections.OrderedDict(value=float(r['value']))
            what={'BCEFs':'BCEF_S','BCEFr':'BCEF_R','BCEFi':'BCEF_I'}[q]
            src=f"IPCC 2006 V4 Ch. 4 Table 4.5, temperate, {kind}, growing stock {lab}: {what} {r['value_raw']}"
            if r['lower']!='':
                o['range']=[float(r['lower']),float(r['upper'])]
                src+=" (range as printed)"
            src+=f", pp. {r['page']} [IPCC Emission Factor Database record]"
            if r['lower']=='': src+=f"; the table gives no range for {what}"
            o['source']=src
            o['csv']=selector('other_tables_verified.csv',{'table':'IPCC 2006 V4 Ch4 Table 4.5','row_label':label})
            st[name]=o
        steps.append(st)
    return collections.OrderedDict(description=description, steps=steps,
        source=f"IPCC 2006 V4 Ch. 4 Table 4.5 (BCEF by climatic zone, forest type and growing-stock level), temperate, {kind}; levels <20, 21-40, 41-100, 100-200, >200 m3/ha read as below 20, 40, 100, 200 and above; a pixel's level is where AGB / BCEF_S falls",
        note="BCEF_R converts wood-removal volume (m3 roundwood) to above-ground biomass removed (Mg d.m.), IPCC 2006 V4 Eq. 2.12; BCEF_I converts a forest inventory's net annual volume increment (m3/ha/yr) to above-ground biomass growth G_W (Mg d.m./ha/yr), Eq. 2.10; the Monte Carlo draws none of the three (a known gap: BCEF_S has a printed range, BCEF_R and BCEF_I none)")

factors=collections.OrderedDict()
# ---- soils (0-30 cm) ----
soc=collections.OrderedDict()
for clim,label in [('warm_temperate_dry','Warm temperate, dry'),('warm_temperate_moist','Warm temperate, moist')]:
    d=collections.OrderedDict()
    for st,lab in [('high_activity_clay','HAC soils'),('low_activity_clay','LAC soils'),('sandy','Sandy soils')]:
        r=row('other_tables.csv', table='IPCC 2006 V4 Ch2 Table 2.3', row_label=f'{label} / {lab}')
        v=float(r['value_raw'])
        d[st]=collections.OrderedDict(value=v, sd=r3(0.45*v),
            source=f"IPCC 2006 V4 Ch. 2 Table 2.3, SOC reference stock 0-30 cm, {label}, {lab}; nominal uncertainty +-90 % (two standard deviations as % of the mean), so SD = 0.45 x value [third-party transcription in ipcc-factors/other_tables.csv, not checked against the IPCC page]",
            csv=selector('other_tables.csv',{'table':'IPCC 2006 V4 Ch2 Table 2.3','row_label':f'{label} / {lab}'}))
    soc[clim]=collections.OrderedDict(by_soil_type=d)
factors['soc_ref']=collections.OrderedDict(description='Soil organic carbon reference stock under native vegetation, 0-30 cm (Mg C/ha)', by_soil_climate=soc)
iwms='Wetland mineral soils under native vegetation / Warm temperate, {} / SOCref (0-30 cm)'
factors['soc_wetland']=collections.OrderedDict(
  description='SOC reference stock of inland wetland mineral soils under native vegetation, 0-30 cm (Mg C/ha); the Supplement revised the 2006 Table 2.3 wetland column',
  by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=wleaf(iwms.format('dry'), "2013 Wetlands Supplement Ch. 5 (inland wetland mineral soils), SOC_REF under native vegetation, 0-30 cm, warm temperate dry",
        note="The EFDB stores the unit as 'tonnes C/ha/yr'; it is a stock (t C/ha), as the parameter's description says."),
    warm_temperate_moist=wleaf(iwms.format('moist'), "2013 Wetlands Supplement Ch. 5 (inland wetland mineral soils), SOC_REF under native vegetation, 0-30 cm, warm temperate moist",
        note="The EFDB stores the unit as 'tonnes C/ha/yr'; it is a stock (t C/ha), as the parameter's description says.")))
factors['f_lu_cultivated']=collections.OrderedDict(description='Stock change factor F_LU, long-term cultivated (annual crops)', by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=other_leaf('FLU / long-term cultivated / Temperate/boreal, dry','IPCC 2006 V4 Ch5 Table 5.5','IPCC 2006 V4 Ch. 5 Table 5.5, F_LU long-term cultivated, temperate/boreal dry'),
    warm_temperate_moist=other_leaf('FLU / long-term cultivated / Temperate/boreal, moist','IPCC 2006 V4 Ch5 Table 5.5','IPCC 2006 V4 Ch. 5 Table 5.5, F_LU long-term cultivated, temperate/boreal moist')))
factors['f_lu_perennial']=other_leaf('FLU / perennial/tree crop / all, dry and moist/wet','IPCC 2006 V4 Ch5 Table 5.5','IPCC 2006 V4 Ch. 5 Table 5.5, F_LU perennial/tree crop')
factors['f_mg_full_tillage']=other_leaf('FMG / full tillage / all, dry and moist/wet','IPCC 2006 V4 Ch5 Table 5.5','IPCC 2006 V4 Ch. 5 Table 5.5, F_MG full tillage (reference level)')
factors['f_i_medium']=other_leaf('FI / medium / all, dry and moist/wet','IPCC 2006 V4 Ch5 Table 5.5','IPCC 2006 V4 Ch. 5 Table 5.5, F_I medium input (reference level)')
factors['bcef_temperate_hardwoods']=bcef_table('hardwoods','BCEF of temperate hardwoods (broadleaf)')
factors['bcef_temperate_pines']=bcef_table('pines','BCEF of temperate pines')
factors['bcef_temperate_other_conifers']=bcef_table('other conifers','BCEF of temperate other conifers')
# ---- carbon fractions ----
cf=other_leaf('Forest AGB carbon fraction (default)','IPCC 2006 V4 Ch4 Table 4.3','IPCC 2006 V4 Ch. 4 Table 4.3, default carbon fraction of forest biomass (the 2019 Refinement keeps Table 4.3 unchanged)')
cf['ci95']=[0.44,0.49]
cf['unverified']=True
cf['note']="The value 0.47 is in other_tables.csv; its interval 0.44-0.49 is the 2006 Table 4.3 range as recalled (the full 2006 Table 4.3 is not in ../shared/data), so the interval is unverified."
factors['cf_forest']=cf
factors['cf_cropland']=other_leaf('Cropland woody biomass carbon fraction','IPCC 2006 V4 Ch5 (Section 5.2.1.4 / Table 5.8 note)','IPCC 2006 V4 Ch. 5 (Section 5.2.1.4), carbon fraction of cropland (woody) biomass')
# ---- forest AGB ----
def t47(zone, age):
    return leaf('forest_2019.csv', f"{T47}, temperate {zone.lower()}, natural, {age}", table='4.7', continent='Asia', ecological_zone=zone, origin='natural', age_class=age, quantity='agb_stock_t_dm_per_ha')
natural_agb=collections.OrderedDict(by_ecological_zone=collections.OrderedDict(
    temperate_continental=collections.OrderedDict(by_age=collections.OrderedDict(young=t47('Continental','secondary ≤20 y'), old=t47('Continental','secondary >20 y'))),
    temperate_mountain=collections.OrderedDict(by_age=collections.OrderedDict(
        young=na(f"{T47}, temperate mountain, natural, secondary <=20 y: n.a. in the table, p. 4.24",
                 selector('forest_2019.csv',dict(table='4.7',continent='Asia',ecological_zone='Mountain',origin='natural',age_class='secondary ≤20 y',quantity='agb_stock_t_dm_per_ha'))),
        old=t47('Mountain','secondary >20 y')))))
factors['agb_natural_forest']=collections.OrderedDict(description='AGB of natural (secondary) forest, Mg d.m./ha', **natural_agb)
def t48(species, age, zone='Temperate continental forest', continent='Asia'):
    return leaf('forest_2019.csv', f"{T48}, {zone.lower()}, planted, {species}, {age}", table='4.8', continent=continent, ecological_zone=zone, origin='planted', species_or_type=species, age_class=age, quantity='agb_stock_t_dm_per_ha')
def na48(species, age):
    return na(f"{T48}, temperate continental forest, planted, {species}: no {age} row in the table (p. 4.33)")
# ---- growth ----
def g412(zone, age):
    return leaf('forest_2019.csv', f"{T412}, temperate {zone.lower()}, planted, {age}: AGB net growth in plantations", table='4.12', continent='Asia', ecological_zone=zone, origin='planted', age_class=age, quantity='agb_growth_t_dm_per_ha_yr',
                note="Table 4.10 has no Asia temperate rows; Table 4.12 summarises the plantation growth for Asia temperate as printed here. Table 4.11 gives Populus spp. in China a merchantable-volume increment of 20-25 m3/ha/yr (p. 4.44), which would need wood density and BCEF to become biomass growth.")
# Growth uncertainty (issue 24 item 3). Table 4.12 prints no uncertainty for Asia's plantation
# growth and its footnote 5 refers to Table 4.10, which has no Asia temperate row; the natural
# rows are borrowed from North and South America (FIA) and print the SD of the plots, a spread of
# stands, not the uncertainty of the mean. IPCC's own rule for both cases is the Tier 1 default:
# Table 4.9 footnote 3 and its "+-90% Default" on every borrowed cell.
IPCC_GROWTH_DEFAULT=("IPCC 2019 V4 Table 4.9 footnote 3 (p. 4.38): 'For above-ground biomass growth rates with no standard deviation, "
  "IPCC Tier 1 default uncertainties apply'; the table prints '±90% Default' on such cells and on every cell borrowed from another continent: "
  "±90 % read as a 95 % interval")
def tier1_growth_uncertainty(l, why):
    v=l['value']
    spread=l.pop('sd', None)
    l.pop('distribution', None)
    l['ci95']=[r3(v*0.1), r3(v*1.9)]
    l['uncertainty_source']=why+'; '+IPCC_GROWTH_DEFAULT
    if spread is not None:
        l['spread_sd']=spread
        l['spread_note']="the row's SD (the plots' spread, not the uncertainty of the mean) is kept for reference only"
    return l
_g412=g412
def g412(zone, age):
    return tier1_growth_uncertainty(_g412(zone, age), "Table 4.12 prints no uncertainty (footnote 5 refers to Table 4.10, which has no Asia temperate row)")
factors['growth_plantation']=collections.OrderedDict(description='Above-ground net biomass growth of plantations G_W, Mg d.m./ha/yr', by_ecological_zone=collections.OrderedDict(
    temperate_continental=collections.OrderedDict(by_age=collections.OrderedDict(young=g412('Continental','secondary ≤20 y'), old=g412('Continental','secondary >20 y'))),
    temperate_mountain=collections.OrderedDict(by_age=collections.OrderedDict(young=g412('Mountain','secondary ≤20 y'), old=g412('Mountain','secondary >20 y')))))
def g49(zone, age):
    return leaf('forest_2019.csv', f"{T49}, North and South America, temperate {zone.lower()}, natural, {age}", table='4.9', continent='North and South America', ecological_zone=zone, origin='natural', age_class=age, quantity='agb_growth_t_dm_per_ha_yr', proxy=True,
                note="PROXY: Table 4.9 has no Asia temperate rows (Table 4.12 prints n.a. for Asia temperate natural growth, p. 4.49-4.50); the North and South America row of the same ecological zone and age is used, as IPCC itself borrows rows across continents where a cell is empty (Table 4.9 footnote). Replace with Chinese inventory growth data where available.")
_g49=g49
def g49(zone, age):
    return tier1_growth_uncertainty(_g49(zone, age), "the row is borrowed from North and South America (FIA plots), and its SD is the spread of the plots")
factors['growth_natural_forest']=collections.OrderedDict(description='Above-ground net biomass growth of natural forest G_W, Mg d.m./ha/yr', by_ecological_zone=collections.OrderedDict(
    temperate_continental=collections.OrderedDict(by_age=collections.OrderedDict(young=g49('Continental','secondary ≤20 y'), old=g49('Continental','secondary >20 y'))),
    temperate_mountain=collections.OrderedDict(by_age=collections.OrderedDict(young=g49('Mountain','secondary ≤20 y'), old=g49('Mountain','secondary >20 y')))))
factors['loss_fraction_stand_replacing']=recalled(1.0, "IPCC 2006 V4 Ch. 2, Eq. 2.14 and its text: f_d = 1 for a stand-replacing disturbance that kills all biomass", note="Used for disturbances detected by a drop of NBR (fire, clear-cut).")
# ---- forest DOM (litter) ----
def verified_leaf(label, source):
    # A row of other_tables_verified.csv (checked against the IPCC page or the EFDB): value and the
    # range printed in parentheses as its 95 % interval.
    r=[x for x in verified if x['table']=='IPCC 2006 V4 Ch2 Table 2.2' and x['row_label']==label]
    assert len(r)==1, label
    r=r[0]
    return collections.OrderedDict(value=float(r['value']), ci95=[float(r['lower']), float(r['upper'])],
      source=f"{source}, p. {r['page']}; the range printed in parentheses read as a 95 % interval [other_tables_verified.csv: {r['uncertainty_type']}]",
      csv=selector('other_tables_verified.csv', {'table': r['table'], 'row_label': label}))
factors['litter_forest_broadleaf']=collections.OrderedDict(by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=verified_leaf('Warm temperate, dry / broadleaf deciduous / litter (mature forest)', "IPCC 2006 V4 Ch. 2 Table 2.2, litter carbon stock of mature forests, warm temperate dry, broadleaf deciduous"),
    warm_temperate_moist=verified_leaf('Warm temperate, moist / broadleaf deciduous / litter (mature forest)', "IPCC 2006 V4 Ch. 2 Table 2.2, litter carbon stock of mature forests, warm temperate moist, broadleaf deciduous")))
factors['litter_forest_conifer']=collections.OrderedDict(by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=verified_leaf('Warm temperate, dry / needleleaf evergreen / litter (mature forest)', "IPCC 2006 V4 Ch. 2 Table 2.2, litter carbon stock of mature forests, warm temperate dry, needleleaf evergreen"),
    warm_temperate_moist=verified_leaf('Warm temperate, moist / needleleaf evergreen / litter (mature forest)', "IPCC 2006 V4 Ch. 2 Table 2.2, litter carbon stock of mature forests, warm temperate moist, needleleaf evergreen")))
# Plantation litter from Chinese measurements (issue 24 item 3): IPCC 2006 Table 2.2 gives the
# litter of MATURE forests (28.2 / 20.3 Mg C/ha warm temperate dry); young plantations hold a
# tenth of it. Guan et al. 2016 Table 5 measured it per plantation type (Gansu, 212 plots).
LD=os.path.join(REPO,'models','carbon','sources')+'/'
litter_rows=list(csv.DictReader(open(LD+'china_plantation_litter.csv', encoding='utf-8')))
def plantation_litter(zh, use):
    r=[x for x in litter_rows if x['forest_type_zh']==zh]
    assert len(r)==1, zh
    r=r[0]
    v=float(r['value']); cv=float(r['cv_between_types_pct'])/100
    return collections.OrderedDict(value=v, sd=r3(v*cv), distribution='lognormal',
      source=f"{r['publication'].split(' 2016')[0].split(' (')[0]} et al. 2016, 植物生态学报 40, {r['table']}, plantation row {zh} {r['forest_type']}: {v} Mg C/ha (Gansu plantations, measured carbon, mean over age groups); {use}",
      uncertainty_source=f"the paper prints no SD per type: the coefficient of variation of litter carbon between its plantation types ({r['cv_between_types_pct']} %, text after Table 5) is used as each value's SD",
      csv='china_plantation_litter.csv#forest_type_zh='+zh, csv_column='value',
      note="Litter only: no Chinese dead-wood measurement for these plantations was found, and IPCC gives no Tier 1 dead-wood stock for them (2006 V4 Ch. 2: 'Statistically valid, regional default estimates for dead wood carbon stocks in forests are not available'); dead wood is not estimated. Gansu is the nearest region with per-type plantation litter read at its source; no Shandong value was found.")
factors['litter_plantation_poplar']=plantation_litter('杨树', 'poplar plantations')
factors['litter_plantation_robinia']=plantation_litter('刺槐', 'black locust plantations')
factors['litter_plantation_pinus_tabuliformis']=plantation_litter('油松', 'Chinese pine plantations')
factors['litter_plantation_other']=plantation_litter('加权平均', 'the all-plantation weighted average, for plantations of other or unknown species')
# ---- cropland ----
factors['cropland_annual_biomass_c']=other_leaf('Annual cropland / biomass C one year after conversion','IPCC 2006 V4 Ch5 Table 5.9','IPCC 2006 V4 Ch. 5 Table 5.9, annual cropland, biomass carbon stock (Mg C/ha; total biomass)')
def verified_other_leaf(label, table, source, note=None):
    # A row of other_tables_verified.csv checked against the IPCC page it names; '+-N%' is the
    # table's nominal error (two standard deviations as % of the mean) read as a 95 % interval.
    r=[x for x in verified if x['table']==table and x['row_label']==label]
    assert len(r)==1 and r[0]['verification_status']=='verified', label
    r=r[0]
    v=float(r['value_raw'])
    p=float(re.match(r'^±(\d+)%', r['uncertainty_raw']).group(1))/100
    out=collections.OrderedDict(value=v, ci95=[r3(v*(1-p)), r3(v*(1+p))],
      source=f"{source}; error {r['uncertainty_raw']} (two standard deviations as % of the mean) read as a 95 % interval [checked against {r['verified_against'].split(' (')[0]}, {r['verified_against'].split('; read with pdftotext -layout) ')[-1]}]",
      csv=selector('other_tables_verified.csv', {'table': table, 'row_label': label}))
    if note: out['note']=note
    return out
PERENNIAL_NOTE=("Tier 1 (2006 V4 Ch. 5 p. 5.7): perennial woody crops accumulate carbon for a nominal harvest/maturity cycle "
  "(30 years in temperate zones, Table 5.1), then are removed or reach a steady state: sinkmap grows a converted orchard from 0 at "
  "this rate until the stock at harvest and books no growth for an orchard already at it. The 2019 Refinement's Table 5.3 gives "
  "temperate orchards (e.g. apple) 0.43 Mg C/ha/yr (IPCC EFDB EF ID 328462) but its maximum biomass and cycle could not be read: not used.")
factors['perennial_c_at_harvest']=verified_other_leaf('Temperate (all moisture regimes) / AGB C stock at harvest','IPCC 2006 V4 Ch5 Table 5.1','IPCC 2006 V4 Ch. 5 Table 5.1, temperate, above-ground biomass carbon stock at harvest (Mg C/ha)', note=PERENNIAL_NOTE)
factors['perennial_c_accumulation']=verified_other_leaf('Temperate (all moisture regimes) / biomass accumulation rate','IPCC 2006 V4 Ch5 Table 5.1','IPCC 2006 V4 Ch. 5 Table 5.1, temperate, biomass carbon accumulation rate (Mg C/ha/yr)', note=PERENNIAL_NOTE)
# ---- grassland (unverified) ----
factors['agb_grassland']=collections.OrderedDict(by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=recalled(1.6, "IPCC 2006 V4 Ch. 6 Table 6.4, warm temperate dry, peak above-ground live biomass (Mg d.m./ha), error +-75 %", ci95=[0.4,2.8]),
    warm_temperate_moist=recalled(2.7, "IPCC 2006 V4 Ch. 6 Table 6.4, warm temperate wet, peak above-ground live biomass (Mg d.m./ha), error +-75 %", ci95=[0.675,4.725])))
factors['rs_grassland']=collections.OrderedDict(by_soil_climate=collections.OrderedDict(
    warm_temperate_dry=recalled(2.8, "IPCC 2006 V4 Ch. 6 Table 6.4, warm temperate dry: (total 6.1 - above-ground 1.6) / 1.6 = 2.8 (Table 6.1 semi-arid grassland also 2.8)", ci95=[0.7,4.9]),
    warm_temperate_moist=recalled(4.0, "IPCC 2006 V4 Ch. 6 Table 6.4, warm temperate wet: (total 13.6 - above-ground 2.7) / 2.7 = 4.0", ci95=[1.0,7.0])))
# ---- wetlands (Wetlands Supplement, unverified) ----
factors['cf_mangrove']=wleaf('Mangrove / carbon fraction of above-ground biomass (leaves and wood)', '2013 Wetlands Supplement Ch. 4, carbon fraction of mangrove above-ground biomass (printed as 45.1 %)', scale=0.01)
factors['rs_mangrove']=other_leaf('Mangrove / Subtropical / root-to-shoot ratio','2013 Wetlands Supplement Ch4 Table 4.5','2013 Wetlands Supplement Ch. 4 Table 4.5, mangrove root-to-shoot ratio, subtropical')
factors['agb_mangrove']=wleaf('Mangrove / subtropical / above-ground biomass', '2013 Wetlands Supplement Ch. 4, above-ground biomass of mangroves, subtropical (Mg d.m./ha)')
factors['growth_mangrove']=wleaf('Mangrove / subtropical / above-ground biomass growth', '2013 Wetlands Supplement Ch. 4, above-ground biomass growth of mangroves, subtropical (Mg d.m./ha/yr)')
# Coastal wetland soils (Ch. 4): stocks the EFDB gives "for extraction (Eq. 4.6)", and EF_RE.
SOIL_DEPTH_SOURCE=("The EFDB records do not state the depth of the Ch. 4 soil stocks and no copy of the Supplement was found; "
  "0-100 cm per the method brief (SCIENCE.md 3b: coastal soil stocks are 0-100 cm) and the Chinese salt-marsh carbon stock "
  "protocol (soil organic carbon to 100 cm); unverified at the Supplement's page")
factors['soil_c_mangrove']=wleaf('Mangrove / aggregated organic and mineral soil / soil carbon stock (for extraction, Eq. 4.6)', '2013 Wetlands Supplement Ch. 4 Table 4.11 (soil carbon stocks for extraction activities), mangrove, aggregated organic and mineral soils (Mg C/ha)')
factors['soil_c_tidal_marsh']=wleaf('Tidal marsh / aggregated organic and mineral soil / soil carbon stock (for extraction, Eq. 4.6)', '2013 Wetlands Supplement Ch. 4 Table 4.11 (soil carbon stocks for extraction activities), tidal marsh, aggregated organic and mineral soils (Mg C/ha)',
  note="Measured Yellow River Delta marsh sediments hold far less organic carbon than this global default (0.16-0.20 % organic carbon reported for estuary sediments); no regional soil carbon density with its depth could be read, so the IPCC default stands and the gap is reported.")
factors['soil_c_seagrass']=wleaf('Seagrass meadow / mineral soil / soil carbon stock (for extraction, Eq. 4.6)', '2013 Wetlands Supplement Ch. 4 Table 4.11 (soil carbon stocks for extraction activities), seagrass meadow, mineral soils (Mg C/ha)')
EFRE_NOTE=("Applies 'as long as the soil remains rewetted and vegetated'; 'if the rewetting, revegetation or creation activity is associated "
  "with recolonization (no direct replanting or reseeding), apply EF_RE = 0' (Table 4.12 rules as quoted verbatim in "
  "seamusrobertmurphy/ipcc-carbon-gains@38573473238248a8fa4a2a493ee466381a6175e5:tasks/EVIDENCE-BASE-2026-07-30.md; secondary): "
  "the run's wetland_restoration says which the maps show.")
factors['ef_re_mangrove']=wleaf('Mangrove / EF_RE soil C (rewetting, revegetation, creation; aggregated organic+mineral soils)', '2013 Wetlands Supplement Ch. 4 Table 4.12, EF_RE, mangrove (n = 69; Mg C/ha/yr, positive = uptake)', sign=-1.0, note=EFRE_NOTE)
factors['ef_re_tidal_marsh']=wleaf('Tidal marsh / EF_RE soil C (rewetting, revegetation, creation; aggregated organic+mineral soils)', '2013 Wetlands Supplement Ch. 4 Table 4.12, EF_RE, tidal marsh (n = 66; Mg C/ha/yr, positive = uptake)', sign=-1.0, note=EFRE_NOTE)
factors['ef_re_seagrass']=wleaf('Seagrass / EF_RE soil C (revegetation at initiation of vegetation re-establishment; mineral soils)', '2013 Wetlands Supplement Ch. 4 Table 4.12, EF_RE, seagrass (n = 6; Mg C/ha/yr, positive = uptake)', sign=-1.0, note=EFRE_NOTE)
factors['ef_dr_coastal']=wleaf('Mangrove and tidal marsh / drainage / annual soil CO2-C emission factor (aggregated organic+mineral soils)',
  '2013 Wetlands Supplement Ch. 4 Table 4.13, EF_DR of drained tidal marshes and mangroves, aggregated organic and mineral soils (Mg C/ha/yr)',
  ci95=[5.2, 11.8], ci_source="5.2-11.8 (range 1.2-43.9, n = 22), Table 4.13 at PDF p. 184 as quoted verbatim in seamusrobertmurphy/ipcc-carbon-gains@38573473238248a8fa4a2a493ee466381a6175e5:05.tasks/REFEREE-CORRECTIONS-2026-08-03.md (secondary)")
factors['dom_mangrove']=collections.OrderedDict(value=11.4, source=("2013 Wetlands Supplement Ch. 4, mangroves, tropical/subtropical: dead wood 10.7 "
  "(EFDB EF ID 522918) + litter 0.7 Mg C/ha (EF ID 522919); "+EFDB_NOTE),
  note="The sum of two EFDB records (the library has no sum form); both rows are in ../shared/data/ipcc-wetlands/wetlands_2013.csv.")

lib=collections.OrderedDict()
lib['name']='north_china_2019'
lib['version']='1.0.0'
lib['description']=("Carbon parameter library for warm-temperate North China (Shandong): IPCC 2019 Refinement forest tables "
 "(Asia rows, most from Luo et al. 2014 on Chinese data) for natural forest by ecological zone and age class and for plantations "
 "by species; IPCC 2006 soil, cropland and carbon-fraction defaults; grassland and wetland defaults where a source exists. "
 "All stocks are Tier 1 constants by class, climate zone and age class; index-driven biomass models come from `sinkmap calibrate`. "
 "Numbers marked 'unverified' are not in ../shared/data and were not found with the search tool; numbers marked 'proxy' come from "
 "another row of the cited table, as the note says. Pools marked NE (not estimated) count as zero in totals and are listed in every output.")
lib['region']=collections.OrderedDict(description="North China: warm-temperate Shandong, Hebei, Henan, Beijing, Tianjin and the neighbouring plains and hills (the Asia temperate continental / mountain rows of the IPCC tables, Chinese data)", description_zh="华北：暖温带的山东、河北、河南、北京、天津及邻近的平原和丘陵（采用 IPCC 表中亚洲温带大陆性/山地各行，依据中国数据）", lon=[110.0, 123.5], lat=[31.5, 43.0])
lib['soil_depth_cm']=30
lib['wetland_soil']=collections.OrderedDict(remaining='tier1',
  reason=("no soil carbon change where a wetland remains a wetland. The Supplement's general wording on this could not be read "
  "(no copy); the one Tier 1 statement found is for mangrove forest management ('The Tier 1 default assumption is that soil CO2 "
  "emissions and removals are zero', 2013 Wetlands Supplement Ch. 4, as quoted in "
  "seamusrobertmurphy/ipcc-carbon-gains@38573473238248a8fa4a2a493ee466381a6175e5:tasks/EVIDENCE-BASE-2026-07-30.md; secondary), "
  "and the Supplement's removal factor EF_RE is for rewetted, revegetated or created wetlands only. The national burial-rate "
  "practice (HY/T 0349-2022) could not be read: its rates are not in this model; a model with them sets remaining = "
  "burial_rate and each wetland class's burial_rate"))
lib['units']=collections.OrderedDict(agb='Mg dry matter / ha', dead_c='Mg C / ha', soil_c='Mg C / ha (0-30 cm)', carbon_fraction='Mg C / Mg dry matter', growth='Mg dry matter / ha / yr', loss_fraction='fraction of biomass')
lib['sources']=collections.OrderedDict(
  IPCC2019="2019 Refinement to the 2006 IPCC Guidelines, Vol. 4 Ch. 4 Forest Land (advance version), as extracted in ../shared/data/ipcc-factors/forest_2019.csv (see its SOURCES.txt)",
  IPCC2006="2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 4 (AFOLU); values through the third-party transcriptions in ../shared/data/ipcc-factors/other_tables.csv unless marked unverified",
  IPCC2013W="2013 Supplement to the 2006 IPCC Guidelines: Wetlands, Ch. 4 Coastal Wetlands",
  Luo2014="Luo Y. et al. 2014, Root:shoot ratios across China's forests: forest type and climatic effects, Forest Ecology and Management 269: 19-25 (the Asia temperate rows of 2019 Table 4.4)")
lib['climate_zones']=collections.OrderedDict(
  default='warm_temperate_dry',
  default_reason="Most of Shandong and the North China Plain receive 550-950 mm a year, below potential evapotranspiration (IPCC 'dry': MAP < PET); this default applies only where the bundled zone map (climate_zones.map, which puts all of Shandong in warm temperate dry) does not cover the grid. Pass --climate-zone or --climate-zone-map for moist or mountain areas.",
  source="IPCC 2006 V4 Ch. 3 Annex 3A.5 (climate zones: warm temperate = MAT 10-20 C; dry where MAP < PET); FAO Global Ecological Zones (temperate continental forest, temperate mountain system) for the forest tables",
  map=collections.OrderedDict(file='../climate/north_china_climate_zones.tif', crosswalk='ipcc_climate_zones_cru',
    source="IPCC 2019 climate zones of colinahill/ipcc_climate_zones (MIT; CRU TS 4.09 means of 1985-2015, 0.5 degree), cropped to the model's region by scripts/models/gen_climate_zone_map.py; see models/climate/SOURCES.md",
    use="where no --climate-zone or --climate-zone-map is given and the run's grid lies inside the map; the default zone elsewhere"),
  zones=collections.OrderedDict(
    warm_temperate_dry=collections.OrderedDict(id=0, soil_climate='warm_temperate_dry', ecological_zone='temperate_continental', description='warm temperate dry, plains and hills (FAO: temperate continental forest)'),
    warm_temperate_moist=collections.OrderedDict(id=1, soil_climate='warm_temperate_moist', ecological_zone='temperate_continental', description='warm temperate moist, plains and hills'),
    warm_temperate_dry_mountain=collections.OrderedDict(id=2, soil_climate='warm_temperate_dry', ecological_zone='temperate_mountain', description='warm temperate dry, mountains (FAO: temperate mountain system, above about 800 m)'),
    warm_temperate_moist_mountain=collections.OrderedDict(id=3, soil_climate='warm_temperate_moist', ecological_zone='temperate_mountain', description='warm temperate moist, mountains')))
lib['age_classes']=collections.OrderedDict(boundary_years=20, default='young',
  default_reason="Most Shandong forests are young plantations of poplar, black locust and pines (SCIENCE.md section 2); pass --forest-age or --forest-age-class old where stands are older than 20 years.",
  young="stands of at most 20 years (IPCC tables: <=20 y; Table 4.8 prints <20 y)", old="stands older than 20 years")
lib['soil_types']=collections.OrderedDict(default='high_activity_clay',
  default_reason="Cinnamon, brown and fluvo-aquic soils of Shandong are high-activity clay soils in the IPCC classification (2006 V4 Ch. 3 Annex 3A.5); sandy coastal soils need --soil-type sandy.",
  types=collections.OrderedDict(high_activity_clay='HAC: lightly to moderately weathered soils dominated by 2:1 clays', low_activity_clay='LAC: highly weathered soils dominated by 1:1 clays', sandy='sandy soils (> 70 % sand, < 8 % clay)'))
# Forest of unknown type or origin (the NDVI classifier, ESA WorldCover 10, CLCD 2, GLC_FCS30's
# leaf types) is planted in North China: Shandong's inventory counts 151.36 of its 161.44 x10^4 hm2
# of forest stands as planted in 2009-2013 (Zhang et al. 2018, Table 3).
def _stats_row(origin, period, quantity):
    with open(os.path.join(os.path.dirname(D.rstrip('/')), 'china-forest-stats', 'shandong_china_forest_carbon.csv'), newline='', encoding='utf-8') as f:
        for r in csv.DictReader(f):
            if r['region'] == 'Shandong' and r['origin'] == origin and r['period'] == period and r['quantity'] == quantity:
                return float(r['value'])
    sys.exit(f'shandong_china_forest_carbon.csv: no row {origin} {period} {quantity}')
_planted, _all = _stats_row('planted', '2009-2013', 'area'), _stats_row('all', '2009-2013', 'area')
PLANTED_DEFAULT_REASON = (f"Forest without type or origin data is planted broadleaf (plantation_broadleaf) in North China: "
  f"Shandong's 8th national forest inventory (2009-2013) counts {_planted:g} of {_all:g} x10^4 hm2 of forest stands as planted "
  f"({100 * _planted / _all:.1f} %; Zhang et al. 2018, Acta Ecologica Sinica 38(5):1739-1749, Table 3, "
  f"../shared/data/china-forest-stats/shandong_china_forest_carbon.csv), and broadleaf poplar and Robinia hold most of its stock (Table 4). "
  f"An inventory, --forest-type or a forest-type map replaces it.")
lib['classifier']=collections.OrderedDict(
  source="sinkmap's documented thresholds for runs without a land-cover map (README): NDWI (McFeeters 1996) > 0 is open water (McFeeters' own criterion); NDVI < 0.2 is bare or built; NDVI >= 0.5 is forest; otherwise grassland.",
  water_ndwi=0.0, bare_ndvi=0.2, forest_ndvi=0.5,
  classes=collections.OrderedDict(water='water', bare='bare', forest='plantation_broadleaf', grassland='grassland'),
  forest_reason=PLANTED_DEFAULT_REASON)
lib['disturbance']=collections.OrderedDict(dnbr_threshold=collections.OrderedDict(value=0.27,
  source="Key C.H. & Benson N.C. 2006, Landscape Assessment (LA): Sampling and Analysis Methods, FIREMON, USDA Forest Service Gen. Tech. Rep. RMRS-GTR-164-CD, severity levels of dNBR (x 1000): 270 is the lower bound of 'moderate-low severity' (100-269 'low severity')",
  unverified=True, note="dNBR = NBR(year 1) - NBR(year 2), unitless; not in ../shared/data."))
lib['factors']=factors
lib['crosswalks']=collections.OrderedDict((k, f'../crosswalks/{k}.json') for k in ['esa_worldcover','glc_fcs30','clcd','nlcd','rsgislib_aber','forest_types_north_china','climate_zones_north_china','ipcc_climate_zones_cru'])

def cls(id, group, description, **f):
    c=collections.OrderedDict(id=id, group=group, description=description)
    c.update(f)
    return c

soil_forest='@soc_ref'
growth_note=None
classes=collections.OrderedDict()
classes['natural_forest_broadleaf']=cls(1,'forest','natural or semi-natural broadleaf forest (deciduous or evergreen); also forest of unknown type',
  agb=collections.OrderedDict(form='constant', a='@agb_natural_forest', source=f"{T47}, natural secondary forest by ecological zone and age class"),
  root_to_shoot=rs_steps('natural','Other Broadleaf'), carbon_fraction='@cf_forest', dead_c='@litter_forest_broadleaf', soil_c=soil_forest,
  growth='@growth_natural_forest', loss_fraction='@loss_fraction_stand_replacing')
classes['natural_forest_conifer']=cls(2,'forest','natural or semi-natural coniferous forest',
  agb=collections.OrderedDict(form='constant', a='@agb_natural_forest', source=f"{T47}, natural secondary forest by ecological zone and age class (the table does not split by leaf type)"),
  root_to_shoot=rs_steps('natural','Conifer'), carbon_fraction='@cf_forest', dead_c='@litter_forest_conifer', soil_c=soil_forest,
  growth='@growth_natural_forest', loss_fraction='@loss_fraction_stand_replacing')
rs_mixed=rs_steps('natural','Other Broadleaf'); rs_mixed['source']+="; Table 4.4 has no mixed-forest row: the broadleaf row is used (0.225 vs 0.243 for conifers)"
classes['natural_forest_mixed']=cls(3,'forest','natural mixed broadleaf-conifer forest',
  agb=collections.OrderedDict(form='constant', a='@agb_natural_forest', source=f"{T47}, natural secondary forest by ecological zone and age class"),
  root_to_shoot=rs_mixed, carbon_fraction='@cf_forest', dead_c='@litter_forest_broadleaf', soil_c=soil_forest,
  growth='@growth_natural_forest', loss_fraction='@loss_fraction_stand_replacing')
def plantation(id, species_label, desc, young, old, origin_rs):
    return cls(id,'forest',desc,
      agb=collections.OrderedDict(form='constant', a=collections.OrderedDict(by_age=collections.OrderedDict(young=young, old=old)),
          source=f"{T48}, temperate continental forest, planted, {species_label}; the same rows serve the mountain zones (the table lists the species for temperate continental forest only)"),
      root_to_shoot=rs_steps('planted', origin_rs), carbon_fraction='@cf_forest',
      dead_c='@litter_plantation_other', soil_c=soil_forest,
      growth='@growth_plantation', loss_fraction='@loss_fraction_stand_replacing')
classes['plantation_poplar']=plantation(4,'Poplar sp.','poplar plantation (Populus spp.)', t48('Poplar sp.','<20 y'), na48('Poplar sp.','>20 y'), 'Other Broadleaf')
classes['plantation_robinia']=plantation(5,'Robinia pseudoacacia','black locust plantation (Robinia pseudoacacia)', t48('Robinia pseudoacacia','<20 y'), t48('Robinia pseudoacacia','>20 y'), 'Other Broadleaf')
classes['plantation_pinus_tabuliformis']=plantation(6,'Pinus tabuliformis','Chinese pine plantation (Pinus tabuliformis)', t48('Pinus tabuliformis','<20 y'), t48('Pinus tabuliformis','>20 y'), 'Conifer')
classes['plantation_broadleaf']=plantation(7,'Broadleaf','broadleaf plantation of other or unknown species',
   t48('Broadleaf','≤20 y','Temperate continental forest and mountain systems','Asia, Europe'), t48('Broadleaf','>20 y','Temperate continental forest and mountain systems','Asia, Europe'), 'Other Broadleaf')
classes['plantation_conifer']=plantation(8,'Coniferous','coniferous plantation of other or unknown species',
   t48('Coniferous','≤20 y','Temperate continental forest and mountain systems','Asia, Europe'), t48('Coniferous','>20 y','Temperate continental forest and mountain systems','Asia, Europe'), 'Conifer')
for k in ['plantation_broadleaf','plantation_conifer']:
    classes[k]['agb']['source']=f"{T48}, temperate continental forest and mountain systems, planted, {'broadleaf' if 'broad' in k else 'coniferous'} (IPCC generic rows, +-90 % default uncertainty)"
grass_agb=collections.OrderedDict(form='constant', a='@agb_grassland', source='IPCC 2006 V4 Ch. 6 Table 6.4 (unverified, see the factor)')
grass_rs=collections.OrderedDict(steps=[collections.OrderedDict(ratio='@rs_grassland')], source='IPCC 2006 V4 Ch. 6 Table 6.4 (unverified, see the factor)')
classes['shrubland']=cls(9,'grassland','shrubland (grassland category in IPCC reporting)',
  agb=collections.OrderedDict(form='constant', a='@agb_grassland', source='PROXY: IPCC gives no Tier 1 temperate shrubland biomass; the grassland default of Table 6.4 is used (unverified, see the factor)'),
  root_to_shoot=grass_rs, carbon_fraction='@cf_forest', dead_c=ne('IPCC 2006 Sect. 6.2.2: Tier 1 assumes dead organic matter in grassland does not change; no stock default'),
  soil_c='@soc_ref', growth=collections.OrderedDict(value=0, source='IPCC 2006 Sect. 6.2.1: Tier 1 assumes no change in grassland biomass'), proxy=True)
classes['grassland']=cls(10,'grassland','grassland',
  agb=grass_agb, root_to_shoot=grass_rs, carbon_fraction='@cf_forest',
  dead_c=ne('IPCC 2006 Sect. 6.2.2: Tier 1 assumes dead organic matter in grassland does not change; no stock default'),
  soil_c='@soc_ref', growth=collections.OrderedDict(value=0, source='IPCC 2006 Sect. 6.2.1: Tier 1 assumes no change in grassland biomass'))
classes['grassland']['carbon_fraction']='@cf_forest'
classes['annual_cropland']=cls(11,'cropland','annual cropland (wheat, maize, rice, vegetables)',
  agb=collections.OrderedDict(form='constant', a=collections.OrderedDict(product=['@cropland_annual_biomass_c', collections.OrderedDict(inverse='@cf_cropland')]),
      source='IPCC 2006 V4 Ch. 5 Table 5.9: 5.0 Mg C/ha of biomass on annual cropland, as dry matter with the cropland carbon fraction'),
  root_to_shoot=collections.OrderedDict(steps=[collections.OrderedDict(ratio=collections.OrderedDict(value=0, source='Table 5.9 gives total biomass: no separate below-ground pool'))], source='Table 5.9 gives total biomass'),
  carbon_fraction='@cf_cropland', dead_c=ne('IPCC 2006 Sect. 5.2.2: Tier 1 assumes no dead organic matter in cropland'),
  soil_c=collections.OrderedDict(product=['@soc_ref','@f_lu_cultivated','@f_mg_full_tillage','@f_i_medium']),
  growth=collections.OrderedDict(value=0, source='IPCC 2006 Sect. 5.2.1: annual crops accumulate and lose their biomass within the year (no change at Tier 1)'))
classes['perennial_cropland']=cls(12,'cropland','perennial woody cropland: orchards, tea, mulberry (GLC_FCS30 12), and economic forest (经济林) where an inventory or forest-type map separates it',
  agb=collections.OrderedDict(form='constant', a=collections.OrderedDict(product=['@perennial_c_at_harvest', collections.OrderedDict(inverse='@cf_cropland')]),
      source='IPCC 2006 V4 Ch. 5 Table 5.1, temperate: 63 Mg C/ha above-ground at harvest (end of the 30-year cycle), as dry matter; used as the stock of an established orchard of any age'),
  root_to_shoot=collections.OrderedDict(notation='NE', reason='Table 5.1 gives above-ground biomass only'),
  carbon_fraction='@cf_cropland', dead_c=ne('IPCC 2006 Sect. 5.2.2: Tier 1 assumes no dead organic matter in cropland'),
  soil_c=collections.OrderedDict(product=['@soc_ref','@f_lu_perennial','@f_mg_full_tillage','@f_i_medium']),
  growth=collections.OrderedDict(product=['@perennial_c_accumulation', collections.OrderedDict(inverse='@cf_cropland')]))
wet_soil='@soc_wetland'
classes['wetland_herbaceous']=cls(13,'wetland','inland herbaceous wetland: marsh, reed beds',
  agb=collections.OrderedDict(form='constant', a='@agb_grassland', source='PROXY: IPCC gives no Tier 1 biomass for inland marshes; the grassland default of Table 6.4 is used (unverified)'),
  root_to_shoot=grass_rs, carbon_fraction='@cf_forest', dead_c=ne('no Tier 1 default for inland wetlands'), soil_c=wet_soil,
  growth=collections.OrderedDict(value=0, source='Tier 1: no change in wetland biomass'), proxy=True)
classes['wetland_woody']=cls(14,'wetland','woody wetland: swamp forest (GLC_FCS30 181)',
  agb=collections.OrderedDict(form='constant', a='@agb_natural_forest', source=f"PROXY: {T47}, natural secondary forest (swamp forest as forest)"),
  root_to_shoot=rs_steps('natural','Other Broadleaf'), carbon_fraction='@cf_forest', dead_c='@litter_forest_broadleaf', soil_c=wet_soil,
  growth='@growth_natural_forest', loss_fraction='@loss_fraction_stand_replacing', proxy=True)
def coastal(c):
    c['coastal']=True
    c['soil_depth_cm']=100
    c['soil_depth_source']=SOIL_DEPTH_SOURCE
    return c
classes['mangrove']=coastal(cls(15,'wetland','mangrove forest',
  agb=collections.OrderedDict(form='constant', a='@agb_mangrove', source='2013 Wetlands Supplement Ch. 4, subtropical (EFDB record)'),
  root_to_shoot=collections.OrderedDict(steps=[collections.OrderedDict(ratio='@rs_mangrove')], source='2013 Wetlands Supplement Table 4.5, subtropical'),
  carbon_fraction='@cf_mangrove', dead_c='@dom_mangrove',
  soil_c='@soil_c_mangrove', soil_accumulation='@ef_re_mangrove',
  growth='@growth_mangrove',
  absent_in_region="Mangroves do not grow north of about 27 N in China (Fujian); Shandong has none, so mangrove pixels there are misclassified."))
def tidal_marsh(id, description):
    return coastal(cls(id,'wetland',description,
      agb=collections.OrderedDict(form='constant', a=ne('the Wetlands Supplement gives no Tier 1 biomass stock for tidal marshes (the EFDB holds only their root-to-shoot ratio); no Yellow River Delta biomass density could be read with its source'), source='2013 Wetlands Supplement Ch. 4'),
      root_to_shoot=collections.OrderedDict(notation='NE', reason='no biomass stock'),
      carbon_fraction='@cf_forest', dead_c=ne('no Tier 1 default for tidal marshes'),
      soil_c='@soil_c_tidal_marsh', soil_accumulation='@ef_re_tidal_marsh',
      growth=collections.OrderedDict(value=0, source='no Tier 1 biomass change for tidal marshes')))
classes['tidal_marsh']=tidal_marsh(16,'vegetated tidal marsh (salt marsh, GLC_FCS30 186); the Supplement does not separate reed, Suaeda or Spartina marsh')
classes['unvegetated_flat']=cls(17,'wetland','unvegetated tidal flat or flooded flat (GLC_FCS30 183, 187)',
  agb=collections.OrderedDict(form='none', source='unvegetated: no living biomass'),
  soil_c=ne('no Tier 1 soil carbon default for unvegetated tidal or flooded flats'))
classes['water']=cls(18,'other','open water', agb=collections.OrderedDict(form='none', source='no living biomass'), soil_c=ne('sediments of open water are not a soil pool of the land categories'))
classes['built_up']=cls(19,'settlement','built-up land and impervious surfaces', agb=collections.OrderedDict(form='none', source='IPCC 2006 Ch. 8 settlements: Tier 1 assumes no change in biomass; not estimated as a stock'),
  soil_c=ne('not estimated for settlements (IPCC 2006 Ch. 8)'))
classes['bare']=cls(20,'other','bare and sparsely vegetated land', agb=collections.OrderedDict(form='none', source='no living biomass'), soil_c=ne('not estimated for other land (IPCC 2006 Ch. 9)'))
classes['snow_ice']=cls(21,'other','permanent snow and ice', agb=collections.OrderedDict(form='none', source='no living biomass'), soil_c=ne('not estimated'))
classes['seagrass']=coastal(cls(22,'wetland','seagrass meadow',
  agb=collections.OrderedDict(form='constant', a=ne('the Wetlands Supplement gives no Tier 1 biomass stock for seagrass (the EFDB holds only its root-to-shoot ratio)'), source='2013 Wetlands Supplement Ch. 4'),
  root_to_shoot=collections.OrderedDict(notation='NE', reason='no biomass stock'),
  carbon_fraction='@cf_forest', dead_c=ne('no Tier 1 default for seagrass'),
  soil_c='@soil_c_seagrass', soil_accumulation='@ef_re_seagrass',
  growth=collections.OrderedDict(value=0, source='no Tier 1 biomass change for seagrass')))
EXTRACTION=("2013 Wetlands Supplement Ch. 4: the EFDB gives the coastal soil stocks 'for extraction (Eq. 4.6)' (EF IDs 522934-522940); "
  "Table 4.11 'is titled for extraction activities and its column is the stock destroyed by excavation' (secondary: "
  "seamusrobertmurphy/ipcc-carbon-gains@38573473238248a8fa4a2a493ee466381a6175e5:01.manuscript/ipcc-carbon-gains.qmd). "
  "Booked in the year of the conversion as the AFOLU calculator does (a8dx/afolu_calc@30721a4d57a036bc2642c17f9fd0ab1d19d4ec70:CoastalWetlands.R, "
  "'SOCy1=-SObefore'); the Supplement's own wording on timing was not read (no copy). That digging a {} counts as extraction is this model's choice.")
def extraction(what):
    return collections.OrderedDict(rule='extraction', source=EXTRACTION.format(what))
classes['aquaculture_pond']=cls(23,'wetland','aquaculture pond dug in a coastal or inland wetland (a user legend or the Yellow River Delta map separates it)',
  agb=collections.OrderedDict(form='none', source='open water: no living biomass'),
  soil_c=ne('no Tier 1 stock for pond sediments; a coastal wetland soil dug into a pond is emitted as extraction'),
  coastal_soil_on_conversion=extraction('pond'))
classes['salt_pan']=cls(24,'wetland','salt-evaporation pan (a user legend or the Yellow River Delta map separates it)',
  agb=collections.OrderedDict(form='none', source='no living biomass'),
  soil_c=ne('no Tier 1 stock for salt pans; a coastal wetland soil dug into a pan is emitted as extraction'),
  coastal_soil_on_conversion=extraction('salt pan'))
classes['tidal_marsh_reed']=tidal_marsh(25,'reed (Phragmites australis) tidal marsh, where a map separates it; Tier 1 parameters of tidal marsh')
classes['tidal_marsh_suaeda']=tidal_marsh(26,'Suaeda salsa tidal marsh, where a map separates it; Tier 1 parameters of tidal marsh')
classes['tidal_marsh_spartina']=tidal_marsh(27,'Spartina alterniflora tidal marsh (invasive), where a map separates it; Tier 1 parameters of tidal marsh')
classes['built_up']['coastal_soil_on_conversion']=extraction('foundation or fill on a marsh')
DRAINAGE=("2013 Wetlands Supplement Ch. 4 Table 4.13 (EF_DR, drained tidal marshes and mangroves): farming a coastal marsh needs it drained; "
  "its soil loses EF_DR a year until none is left. That the conversion is drainage is this model's choice.")
for c in ['annual_cropland','perennial_cropland']:
    classes[c]['coastal_soil_on_conversion']=collections.OrderedDict(rule='drainage', source=DRAINAGE)
    classes[c]['soil_loss']='@ef_dr_coastal'
# Table 4.5 BCEF per forest class (wood removals given as volume); natural mixed forest has no row.
for c,t in [('natural_forest_broadleaf','hardwoods'),('natural_forest_conifer','other_conifers'),('plantation_poplar','hardwoods'),
            ('plantation_robinia','hardwoods'),('plantation_pinus_tabuliformis','pines'),('plantation_broadleaf','hardwoods'),
            ('plantation_conifer','other_conifers')]:
    classes[c]['bcef']='@bcef_temperate_'+t
# Stand volume (growing stock, m3/ha) to biomass for forest inventory data. Shandong's own fits
# (Zhang et al. 2018 Table 1, re-fitted by Zhang et al. 2013 from 3543 Chinese biomass plots):
# B = aV + b, B the live trees' biomass with roots (Mg/ha), so output = total_biomass. The paper
# prints R2 but no standard errors of a and b: they are exact here (their uncertainty is a gap).
ZHANG2018="Zhang C.H., Ju W.M., Wang D.J., Wang X.Q., Wang X. 2018, Acta Ecologica Sinica 38(5):1739-1749, doi:10.5846/stxb201703280535, Table 1"
def bef(zh, note=None):
    m=[r for r in bef_rows if r['forest_type_zh']==zh and r['publication'].startswith('Zhang C.H.')]
    assert len(m)==1, zh
    r=m[0]
    def coef(k, unit):
        return collections.OrderedDict(value=float(r[k]),
          source=f"{ZHANG2018}, {zh} ({r['forest_type_en']}): {k} = {r[k+'_raw']} {unit} (R2 {r['fit_stat_value']}); no standard error printed",
          csv='china_bef_coefficients.csv#'+';'.join([f"forest_type_zh={zh}", f"{k}_raw={r[k+'_raw']}"]), csv_column=k)
    o=collections.OrderedDict(form='linear', a=coef('a','Mg/m3'), b=coef('b','Mg/ha'), output='total_biomass',
      source=f"{ZHANG2018} (B = aV + b, B = live-tree biomass above and below ground, V = stand volume m3/ha; fits of Zhang et al. 2013, Climatic Change 118:933-948)")
    if note: o['note']=note
    return o
def bcef_volume(note):
    return collections.OrderedDict(form='bcef_table', output='agb',
      source="IPCC 2006 V4 Ch. 4 Eq. 2.8 with the class's BCEF_S table (Table 4.5): AGB = V x BCEF_S at V's growing-stock level", note=note)
classes['plantation_platycladus']=plantation(28,'Coniferous','Platycladus orientalis (oriental arborvitae) plantation, where an inventory or map separates it; Tier 1 stocks of the coniferous plantation rows',
   t48('Coniferous','≤20 y','Temperate continental forest and mountain systems','Asia, Europe'), t48('Coniferous','>20 y','Temperate continental forest and mountain systems','Asia, Europe'), 'Conifer')
classes['plantation_platycladus']['agb']['source']=f"PROXY: {T48}, temperate continental forest and mountain systems, planted, coniferous (Table 4.8 has no Platycladus row)"
classes['plantation_platycladus']['proxy']=True
classes['forest_quercus']=cls(29,'forest','oak forest (Quercus spp.; in Shandong mostly natural secondary stands), where an inventory or map separates it; Tier 1 stocks of natural broadleaf forest',
  agb=collections.OrderedDict(form='constant', a='@agb_natural_forest', source=f"PROXY: {T47}, natural secondary forest by ecological zone and age class (no oak row)"),
  root_to_shoot=rs_steps('natural','Other Broadleaf'), carbon_fraction='@cf_forest', dead_c='@litter_forest_broadleaf', soil_c=soil_forest,
  growth='@growth_natural_forest', loss_fraction='@loss_fraction_stand_replacing', proxy=True)
classes['plantation_platycladus']['bcef']='@bcef_temperate_other_conifers'
# Plantation litter by species where Guan et al. 2016 measured it; the weighted average elsewhere.
for k, f in [('plantation_poplar','@litter_plantation_poplar'), ('plantation_robinia','@litter_plantation_robinia'),
             ('plantation_pinus_tabuliformis','@litter_plantation_pinus_tabuliformis')]:
    classes[k]['dead_c']=f
classes['forest_quercus']['bcef']='@bcef_temperate_hardwoods'
classes['plantation_poplar']['volume_to_biomass']=bef('杨树')
classes['plantation_robinia']['volume_to_biomass']=bef('硬阔类、软阔类', "Table 1 has no Robinia row: the hardwoods/softwoods group, whose footnote lists Robinia pseudoacacia among the softwoods")
classes['plantation_pinus_tabuliformis']['volume_to_biomass']=bef('油松')
classes['plantation_platycladus']['volume_to_biomass']=bef('柏木')
classes['forest_quercus']['volume_to_biomass']=bef('栎类')
classes['plantation_broadleaf']['volume_to_biomass']=bef('硬阔类、软阔类', "other hardwoods and softwoods (the group row of Table 1)")
classes['natural_forest_mixed']['volume_to_biomass']=bef('针阔混交林')
classes['natural_forest_broadleaf']['volume_to_biomass']=bcef_volume("broadleaf forest of no species in Table 1: IPCC temperate hardwoods")
classes['natural_forest_conifer']['volume_to_biomass']=bcef_volume("coniferous forest of no species in Table 1: IPCC temperate other conifers")
classes['plantation_conifer']['volume_to_biomass']=bcef_volume("coniferous plantation of no species in Table 1: IPCC temperate other conifers")
# Chinese class names for Chinese reports (lang = "zh"): the terms of Chinese forest and wetland
# statistics (天然林/人工林 by species, 灌木林地, 园地 for perennial woody crops, 盐沼, 光滩).
NAME_ZH={'natural_forest_broadleaf':'天然阔叶林','natural_forest_conifer':'天然针叶林','natural_forest_mixed':'天然针阔混交林',
  'plantation_poplar':'杨树人工林','plantation_robinia':'刺槐人工林','plantation_pinus_tabuliformis':'油松人工林',
  'plantation_broadleaf':'其他阔叶人工林','plantation_conifer':'其他针叶人工林','shrubland':'灌木林地','grassland':'草地',
  'annual_cropland':'一年生作物耕地','perennial_cropland':'经济林/园地（多年生木本作物）','wetland_herbaceous':'内陆草本沼泽',
  'wetland_woody':'木本沼泽','mangrove':'红树林','tidal_marsh':'滨海盐沼','unvegetated_flat':'光滩','water':'水体',
  'built_up':'建设用地','bare':'裸地','snow_ice':'冰川积雪','seagrass':'海草床','aquaculture_pond':'养殖池塘','salt_pan':'盐田',
  'tidal_marsh_reed':'芦苇盐沼','tidal_marsh_suaeda':'碱蓬盐沼','tidal_marsh_spartina':'互花米草盐沼',
  'plantation_platycladus':'侧柏人工林','forest_quercus':'栎类林'}
for k,c in classes.items():
    items=list(c.items())
    c.clear()
    for key,v in items:
        c[key]=v
        if key=='id': c['name_zh']=NAME_ZH[k]
lib['classes']=classes

# Large uncertainties of non-negative quantities: the tables' SDs are the spread of the studies
# behind a default, often as large as the mean (growth of natural forest: 3.3 +- 5.2 t/ha/yr).
# A normal truncated at zero would move the Monte Carlo's mean away from the default; the
# lognormal of the same mean and SD keeps it (IPCC 2006 Vol. 1 Ch. 3: lognormal for
# non-negative, positively skewed quantities). Threshold: SD above half the mean.
def implied_sd(o):
    if 'sd' in o: return o['sd']
    if 'ci95' in o: return (o['ci95'][1]-o['ci95'][0])/3.92
    return 0.0
def mark_lognormal(o):
    if isinstance(o, dict):
        v=o.get('value')
        if isinstance(v,(int,float)) and v>0 and implied_sd(o)>0.5*v:
            o['distribution']='lognormal'
        for x in o.values(): mark_lognormal(x)
    elif isinstance(o, list):
        for x in o: mark_lognormal(x)
mark_lognormal(lib)
lib['distributions']=("Uncertain numbers are normal, truncated to the quantity's physical range, except those marked "
  "\"distribution\": \"lognormal\" (non-negative numbers whose SD exceeds half their value): lognormal with the same mean and SD, "
  "so the Monte Carlo's mean stays at the default (IPCC 2006 Vol. 1 Ch. 3 on lognormal distributions for non-negative, skewed quantities).")

def dump(path, d):
    s=json.dumps(d, indent=2, ensure_ascii=False)
    s=re.sub(r'\[\s*\n\s*([^\[\]{}]*?)\s*\n\s*\]', lambda m: '['+re.sub(r'\s*\n\s*',' ',m.group(1))+']', s)
    open(path,'w').write(s+'\n')
dump(os.path.join(REPO,'models','carbon','north_china_2019.json'), lib)
