"""The one translation table: every word geodisparity shows, by key, in English and Chinese.

Data only; :mod:`geodisparity.i18n` holds the functions that read it (and re-exports
:data:`MESSAGES` and :data:`SAME_IN_BOTH`). Each entry is ``key: (English, Chinese)``; fields
in braces are filled by :func:`geodisparity.i18n.message` with user text as values, never as
format strings.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # maps
    "term.no_data": ("No data", "无数据"),
    "term.name": ("Name", "名称"),
    "term.value": ("Value", "数值"),
    "term.rank": ("Rank", "排名"),
    "term.class": ("Class", "分级"),
    "term.cluster": ("Cluster", "聚类"),
    "term.hot_cold_spot": ("Hot/cold spot", "热点/冷点"),
    "term.target": ("Target", "目标"),
    "term.indicator": ("Indicator", "指标"),
    "term.outer_boundary": ("Outer boundary", "外边界"),
    "term.prefectures": ("Prefectures", "地市"),
    "term.outline": ("Outline", "轮廓"),
    "term.province": ("Province", "省界"),
    "term.regions": ("Regions", "地区"),
    "term.illustrative_synthetic_data": ("Illustrative synthetic data", "示意性模拟数据"),
    "term.classes_reduced_to": ("classes reduced to", "分级数减少为"),
    "term.distinct_values": ("distinct values", "个不同取值"),
    "term.lisa_clusters": ("LISA clusters", "LISA 聚类"),
    "term.local_geary_clusters": ("Local Geary clusters", "局部 Geary 聚类"),
    "term.hot_spots_getis_ord_gi": ("Hot spots (Getis-Ord Gi*)", "热点分析 (Getis-Ord Gi*)"),
    "term.high_high": ("High-High", "高-高"),
    "term.low_low": ("Low-Low", "低-低"),
    "term.high_low": ("High-Low", "高-低"),
    "term.low_high": ("Low-High", "低-高"),
    "term.not_significant": ("Not significant", "不显著"),
    "term.isolated": ("Isolated", "孤立 (无邻接)"),
    "term.other_positive": ("Other positive", "其他正相关"),
    "term.negative": ("Negative", "负相关"),
    "term.hot_spot_99": ("Hot spot (99%)", "热点 (99%)"),
    "term.hot_spot_95": ("Hot spot (95%)", "热点 (95%)"),
    "term.hot_spot_90": ("Hot spot (90%)", "热点 (90%)"),
    "term.cold_spot_90": ("Cold spot (90%)", "冷点 (90%)"),
    "term.cold_spot_95": ("Cold spot (95%)", "冷点 (95%)"),
    "term.cold_spot_99": ("Cold spot (99%)", "冷点 (99%)"),
    "term.target_met": ("Target met", "达标"),
    "term.within_10_of_target": ("Within 10% of target", "距目标 10% 以内"),
    "term.target_not_met": ("Target not met", "未达标"),
    "term.not_on_the_map_no_boundary": ("Not on the map (no boundary)", "未绘制（无边界）"),
    "term.emerging_hot_spots": ("Emerging hot spots", "时空热点模式"),
    "term.pattern": ("Pattern", "模式"),
    "term.trend_tau": ("Trend (tau)", "趋势 (tau)"),
    "term.trend_p": ("Trend p", "趋势 p 值"),
    "term.new_hot_spot": ("New hot spot", "新增热点"),
    "term.new_cold_spot": ("New cold spot", "新增冷点"),
    "term.consecutive_hot_spot": ("Consecutive hot spot", "连续热点"),
    "term.consecutive_cold_spot": ("Consecutive cold spot", "连续冷点"),
    "term.intensifying_hot_spot": ("Intensifying hot spot", "加强热点"),
    "term.intensifying_cold_spot": ("Intensifying cold spot", "加强冷点"),
    "term.persistent_hot_spot": ("Persistent hot spot", "持续热点"),
    "term.persistent_cold_spot": ("Persistent cold spot", "持续冷点"),
    "term.diminishing_hot_spot": ("Diminishing hot spot", "减弱热点"),
    "term.diminishing_cold_spot": ("Diminishing cold spot", "减弱冷点"),
    "term.sporadic_hot_spot": ("Sporadic hot spot", "零星热点"),
    "term.sporadic_cold_spot": ("Sporadic cold spot", "零星冷点"),
    "term.oscillating_hot_spot": ("Oscillating hot spot", "振荡热点"),
    "term.oscillating_cold_spot": ("Oscillating cold spot", "振荡冷点"),
    "term.historical_hot_spot": ("Historical hot spot", "历史热点"),
    "term.historical_cold_spot": ("Historical cold spot", "历史冷点"),
    "term.no_pattern_detected": ("No pattern detected", "未检测到模式"),
    "term.targets_off_track": ("Targets off track", "未按进度推进的目标数"),
    "term.off_track": ("Off track", "进度滞后"),
    "term.composite_index": ("Composite index", "综合指数"),
    "term.composite_rank": ("Composite rank", "综合排名"),
    # page
    "page.generated": ("Generated", "生成于"),
    "page.default_title": ("Regional disparities", "地区差距"),
    "page.open_atlas": ("Open the interactive atlas", "打开交互式地图"),
    # gap headers
    "gaps.year": ("Year", "年份"),
    "gaps.n_regions": ("Regions", "地区数"),
    "gaps.regional_max_min_ratio": ("Max / min ratio", "最高/最低之比"),
    "gaps.regional_williamson": ("Williamson CV", "加权变异系数"),
    "gaps.regional_theil_between_share": ("Theil between-group share", "泰尔指数组间占比"),
    "gaps.urban_rural_ratio": ("Urban / rural ratio", "城乡收入比"),
    "gaps.income_gini": ("Gini", "基尼系数"),
    "gaps.income_theil": ("Theil T", "泰尔指数 T"),
    # report
    "report.data": ("Data and join", "数据与匹配"),
    "report.gaps": ("The three gaps", "三大差距"),
    "report.gaps_intro": (
        "Regional gap: ratio of the highest to the lowest region and the population-weighted "
        "coefficient of variation (Williamson). Urban-rural gap: ratio of population-weighted "
        "mean urban to rural income. Income gap: population-weighted Gini coefficient.",
        "地区差距：最高与最低地区之比，以及人口加权变异系数（Williamson）。城乡差距：人口加权的"
        "城镇与农村居民收入之比。收入差距：人口加权基尼系数。",
    ),
    "report.maps": ("Maps", "地图"),
    "report.decomposition": ("Decompositions", "差距分解"),
    "report.convergence": ("Convergence", "收敛分析"),
    "report.clusters": ("Spatial clustering", "空间集聚"),
    "report.boundaries_line": (
        "Boundaries: {source} ({n} regions).",
        "边界：{source}（{n} 个地区）。",
    ),
    "report.table_line": ("Table: {path}.", "数据表：{path}。"),
    "report.year_line": (
        "Analysis year for maps, decompositions and clusters: {year}.",
        "地图、分解与集聚分析年份：{year}。",
    ),
    "report.map_value": ("{column} ({year})", "{column}（{year}）"),
    "report.map_lisa": ("LISA clusters of {column}", "{column} 的 LISA 集聚"),
    "report.intervals": (
        "Indices with 95% bootstrap confidence intervals",
        "主要指数及其 95% 自助法置信区间",
    ),
    "report.by_group": (
        "By {group}: Theil T {theil:.4f}, of which {between:.1%} between groups (permutation p "
        "= {p:.3g}). Dagum Gini {gini:.4f}: within {within:.1%}, net between {net:.1%}, "
        "transvariation {trans:.1%}.",
        "按 {group} 分组：泰尔指数 {theil:.4f}，其中组间占 {between:.1%}（置换检验 p = {p:.3g}"
        "）。Dagum 基尼系数 {gini:.4f}：组内 {within:.1%}，净组间 {net:.1%}，超变密度"
        " {trans:.1%}。",
    ),
    "report.theil_caption": ("Theil decomposition by {group}", "按 {group} 的泰尔指数分解"),
    "report.dagum_caption": (
        "Dagum Gini within (diagonal) and between groups of {group}",
        "按 {group} 的 Dagum 基尼系数：组内（对角线）与组间",
    ),
    "report.narrowing": ("narrowing", "缩小"),
    "report.widening": ("widening", "扩大"),
    "report.sigma": (
        "Sigma convergence: dispersion ({measure}) is {trend} by {slope:.4f} per year (p = "
        "{p:.3g}, {years} years).",
        "σ 收敛：离散程度（{measure}）每年{trend} {slope:.4f}（p = {p:.3g}，{years} 年）。",
    ),
    "report.beta": (
        "Beta convergence {start}-{end}: beta = {beta:.4f} (s.e. {se:.4f}, p = {p:.3g}, n = "
        "{n}){implied}",
        "β 收敛 {start}-{end}：β = {beta:.4f}（标准误 {se:.4f}，p = {p:.3g}，n = {n}）{implied}",
    ),
    "report.implied": (
        "; speed {speed:.2%} per year, half-life {half_life:.1f} years.",
        "；收敛速度每年 {speed:.2%}，半衰期 {half_life:.1f} 年。",
    ),
    "report.not_implied": ("; no convergence implied.", "；未显示收敛。"),
    "report.weights_line": (
        "Weights: {rule} ({n} regions; {added} links added to connect islands to their nearest "
        "region). {permutations} permutations, alpha {alpha}, multiple-testing adjustment: "
        "{adjust}.",
        "空间权重：{rule}（{n} 个地区；为连接孤岛增加 {added} 条邻接）。{permutations} 次置换，"
        "显著性水平 {alpha}，多重检验校正：{adjust}。",
    ),
    "report.hotspot_rule": (
        "Gi* classes follow ArcGIS's Hot Spot Analysis: 90, 95 or 99% confidence when the "
        "two-sided p-value (after the adjustment, if any) is at most 0.10, 0.05 or 0.01; hot "
        "or cold by the sign of z.",
        "Gi* 冷热点按 ArcGIS 热点分析的规则划分：双侧 p 值（如有多重检验校正，则为校正后的值）"
        "不超过 0.10、0.05、0.01 时，置信度分别为 90%、95%、99%；按 z 值正负分为热点或冷点。",
    ),
    "report.adjust_fdr": (
        "false discovery rate (Benjamini-Hochberg)",
        "错误发现率（Benjamini-Hochberg）",
    ),
    "report.adjust_by": (
        "false discovery rate under dependence (Benjamini-Yekutieli)",
        "相依检验的错误发现率（Benjamini-Yekutieli）",
    ),
    "report.adjust_bonferroni": ("Bonferroni", "Bonferroni"),
    "report.adjust_none": ("none", "无"),
    "report.moran_caption": ("Global Moran's I", "全局莫兰指数"),
    "report.cluster_caption": ("{column}: clusters and hot spots", "{column}：集聚与冷热点"),
    "report.listed": ("{column}: {items}.", "{column}：{items}。"),
    "report.no_clusters": (
        "{column}: no significant LISA clusters.",
        "{column}：无显著 LISA 集聚。",
    ),
    # targets
    "targets.targets": ("Targets and task books", "目标与任务书"),
    "targets.intro": (
        "Status: met; within tolerance (missed by at most {tolerance:.0%} of the target); not "
        "met. Pace: the annual change still needed to reach the target by its year, against "
        "the actual annual change over the last {window} years ({pace}; a compound rate falls "
        "back to linear change where a value is not above 0). On track: the target is met or "
        "the actual pace is at least the needed pace; at risk: at least {at_risk:.0%} of it; "
        "off track: less, or the target year has come and the target is not met. Task-book "
        "items are ordered by urgency: off track before at risk, then fewer years left, then "
        "the smaller share of the needed pace achieved.",
        "达标状态：达标；容差以内（差距不超过目标值的 {tolerance:.0%}）；未达标。进度：按目标年"
        "份达标尚需的年均变化，与最近 {window} 年的实际年均变化相比（{pace}；数值不大于 0 时复"
        "合增长率改用线性变化）。按进度：已达标或实际进度不低于所需进度；有风险：达到所需进度的"
        " {at_risk:.0%} 以上；滞后：低于此比例，或目标年份已到仍未达标。任务书条目按紧迫程度排"
        "序：先滞后、后有风险，再按剩余年数由少到多，再按已达到的所需进度比例由低到高。",
    ),
    "targets.gap_caption": ("Province-level targets on the gap statistics", "全省差距指标的目标"),
    "targets.status_caption": (
        "Regions by status and pace, {year}",
        "各地区达标与进度状况（{year}）",
    ),
    "targets.group_caption": (
        "Task book by {group}: regions off track and at risk, {year}",
        "按 {group} 的任务书：进度滞后与有风险的地区数（{year}）",
    ),
    "targets.items_caption": (
        "The {n} most urgent items of {total} (all in taskbook.csv and taskbook.xlsx)",
        "最紧迫的 {n} 项（共 {total} 项；完整清单见 taskbook.csv 与 taskbook.xlsx）",
    ),
    "targets.no_items": (
        "No region is off track or at risk on any target in {year}.",
        "{year} 年没有地区在任何目标上进度滞后或有风险。",
    ),
    "targets.composite": ("Composite index", "综合指数"),
    "targets.composite_intro": (
        "Indicators: {names}. Weights: {weighting}; aggregation: {method}; normalisation: "
        "{normalise}, with bounds from {reference}. Under {draws} random perturbations of the "
        "weights (each multiplied by a factor within ±{perturbation:.0%}), {stable} of {n} "
        "regions keep their rank within ±1 in at least {share:.0%} of the draws.",
        "指标：{names}。权重：{weighting}；合成方法：{method}；标准化：{normalise}，边界取自"
        "{reference}。在 {draws} 次随机扰动权重（每个权重乘以 ±{perturbation:.0%} 以内的因子）"
        "下，{n} 个地区中有 {stable} 个在至少 {share:.0%} 的抽样中排名变动不超过 ±1。",
    ),
    "targets.all_years": ("all years", "全部年份"),
    "targets.weights_caption": ("Weights", "权重"),
    "targets.ranks_caption": (
        "Composite index, {year}: scores, ranks and their 90% range under perturbed weights",
        "综合指数（{year}）：得分、排名及权重扰动下排名的 90% 区间",
    ),
    # targets terms
    "targets.term.met": ("met", "达标"),
    "targets.term.within_tolerance": ("within tolerance", "容差以内"),
    "targets.term.not_met": ("not met", "未达标"),
    "targets.term.on_track": ("on track", "按进度"),
    "targets.term.at_risk": ("at risk", "有风险"),
    "targets.term.off_track": ("off track", "滞后"),
    "targets.term.compound": ("compound", "复合增长率"),
    "targets.term.linear": ("linear", "线性"),
    "targets.term.indicator": ("Indicator", "指标"),
    "targets.term.value": ("Value", "数值"),
    "targets.term.target": ("Target", "目标"),
    "targets.term.target_year": ("Target year", "目标年份"),
    "targets.term.gap": ("Gap", "差距"),
    "targets.term.status": ("Status", "达标状态"),
    "targets.term.years_left": ("Years left", "剩余年数"),
    "targets.term.needed_pace": ("Needed pace", "所需年均变化"),
    "targets.term.actual_pace": ("Actual pace", "实际年均变化"),
    "targets.term.pace_ratio": ("Pace ratio", "进度比"),
    "targets.term.pace_status": ("Pace", "进度"),
    "targets.term.urgency": ("Urgency", "紧迫度"),
    "targets.term.regions": ("Regions", "地区数"),
    "targets.term.most_urgent": ("Most urgent", "最紧迫地区"),
    "targets.term.score": ("Score", "得分"),
    "targets.term.rank": ("Rank", "排名"),
    "targets.term.rank_low": ("Rank (low)", "排名下限"),
    "targets.term.rank_high": ("Rank (high)", "排名上限"),
    "targets.term.share_within_1": ("Share within ±1 rank", "排名±1 以内比例"),
    "targets.term.weight": ("Weight", "权重"),
    "targets.term.year": ("Year", "年份"),
    "targets.term.label": ("Indicator", "指标"),
    "targets.term.entropy": ("entropy", "熵权法"),
    "targets.term.critic": ("CRITIC", "CRITIC 法"),
    "targets.term.equal": ("equal", "等权"),
    "targets.term.given": ("given", "给定权重"),
    "targets.term.weighted_sum": ("weighted sum", "加权求和"),
    "targets.term.topsis": ("TOPSIS", "TOPSIS 法"),
    "targets.term.minmax": ("min-max", "极差标准化"),
    "targets.term.zscore": ("z-score", "Z 分数标准化"),
    # time
    "time.title": ("Change over time", "时空变化"),
    "time.emerging_rule": (
        "Emerging hot spots of {column}, {start}-{end} ({periods} years{lag}): Getis-Ord Gi* "
        "in every year, the Mann-Kendall trend of each region's Gi* z-scores, and ArcGIS's 17 "
        "patterns (a year counts as a hot or cold spot at p <= {alpha}; 'persistent', "
        "'intensifying' and 'diminishing' need 90% of the years, so with fewer than 10 years "
        "every year).",
        "{column} 的时空热点模式（{start}-{end}，{periods} 年{lag}）：逐年计算 Getis-Ord Gi*，"
        "对各地区 Gi* z 值序列做 Mann-Kendall 趋势检验，并按 ArcGIS 的 17 种模式分类（p <= "
        "{alpha} 的年份计为热点或冷点；“持续”“加强”“减弱”需要 90% 的年份，不足 10 年时即每一年"
        "）。",
    ),
    "time.lag": (", neighbours also in the {k} previous year(s)", "，邻域包含前 {k} 年"),
    "time.emerging_caption": (
        "{column}: regions by emerging hot spot pattern",
        "{column}：各时空热点模式的地区数",
    ),
    "time.pattern": ("Pattern", "模式"),
    "time.regions": ("Regions", "地区数"),
    "time.listed": (
        "{column}, regions with a pattern: {items}.",
        "{column}，呈现模式的地区：{items}。",
    ),
    "time.none_listed": (
        "{column}: no region shows a hot or cold spot pattern.",
        "{column}：没有地区呈现冷热点模式。",
    ),
    "time.dynamics_rule": (
        "LISA dynamics of {column}: each year's Moran quadrant (HH, LH, LL, HL) and Rey's "
        "transitions between consecutive years (0: neither the region nor its neighbours move; "
        "I: only the region; II: only its neighbours; IIIA: both, the same way; IIIB: both, "
        "opposite ways). Cohesion (type 0 share): {cohesion:.1%}; of the significant clusters, "
        "{kept} stayed significant in the same quadrant the next year.",
        "{column} 的 LISA 动态：各年的 Moran 象限（高-高、低-高、低-低、高-低）及相邻年份间的"
        " Rey 时空跃迁（0：本地区与邻域均未移动；I：仅本地区移动；II：仅邻域移动；IIIA：二者同"
        "向移动；IIIB：二者反向移动）。空间凝聚度（类型 0 占比）：{cohesion:.1%}；显著集聚中，"
        "次年仍显著且象限不变的占 {kept}。",
    ),
    "time.matrix_caption": (
        "{column}: LISA Markov transition probabilities (row: from, column: to)",
        "{column}：LISA 马尔可夫转移概率（行：起始，列：转移至）",
    ),
    "time.types_caption": ("{column}: transitions by type", "{column}：各类型跃迁数"),
    "time.left_out": ("Left out: {note}", "未分析：{note}"),
    "time.left_out_column": (
        "Left out: {column} (a region is missing in some year, or a value is missing)",
        "未分析：{column}（某些年份缺少地区或数值）",
    ),
    "time.figure": ("Emerging hot spot patterns of {column}", "{column} 的时空热点模式"),
    # column headings of the run's tables, and the bundled boundaries' columns
    "column.index": ("Index", "指数"),
    "column.estimate": ("Estimate", "估计值"),
    "column.ci_low": ("95% CI, low", "95% 置信区间下限"),
    "column.ci_high": ("95% CI, high", "95% 置信区间上限"),
    "column.std_error": ("Standard error", "标准误"),
    "column.group": ("Group", "分组"),
    "column.n": ("Regions", "地区数"),
    "column.population_share": ("Population share", "人口占比"),
    "column.income_share": ("Income share", "收入占比"),
    "column.mean": ("Mean", "均值"),
    "column.within_contribution": ("Within-group contribution", "组内贡献"),
    "column.year": ("Year", "年份"),
    "column.cv": ("Coefficient of variation", "变异系数"),
    "column.weighted_cv": ("Weighted coefficient of variation", "加权变异系数"),
    "column.sd_log": ("Standard deviation of log income", "对数收入标准差"),
    "column.column": ("Indicator", "指标"),
    "column.moran_i": ("Moran's I", "莫兰指数 I"),
    "column.expected": ("Expected I", "期望值 E[I]"),
    "column.z": ("z", "z 值"),
    "column.p": ("p", "p 值"),
    "column.p_analytical": ("p (normal approximation)", "p 值（正态近似）"),
    "column.p_permutation": ("p (permutations)", "p 值（置换检验）"),
    "column.p_sim": ("p (permutations)", "p 值（置换检验）"),
    "column.q": ("q ({adjust}-adjusted p)", "q 值（{adjust}校正后的 p 值）"),
    "column.tau": ("Trend (tau)", "趋势 (tau)"),
    "column.p_trend": ("Trend p", "趋势 p 值"),
    "column.transition": ("Period", "时段"),
    "column.regions": ("Regions", "地区数"),
    "column.cohesion": ("Cohesion", "空间凝聚度"),
    "column.significant_cohesion": ("Cohesion of significant clusters", "显著集聚的凝聚度"),
    "column.lisa_cluster": ("LISA cluster", "LISA 集聚类型"),
    "column.gi_class": ("Gi* class", "Gi* 冷热点类型"),
    "column.stable": ("Rank stable (±1)", "排名稳定（±1）"),
    "column.adcode": ("Code", "代码"),
    "column.name": ("Name", "名称"),
    "column.name_en": ("Name", "名称"),
    "column.name_zh": ("Name", "名称"),
    "column.prefecture_code": ("Prefecture code", "地市代码"),
    "column.prefecture_en": ("Prefecture", "地市"),
    "column.prefecture_zh": ("Prefecture", "地市"),
    "column.kind": ("Kind of county", "县级行政区类型"),
    "column.area_km2": ("Area", "面积"),
    "column.population": ("Population", "人口"),
    "column.gini": ("Gini", "基尼系数"),
    "column.theil": ("Theil T", "泰尔指数 T"),
    "column.williamson": ("Williamson CV", "加权变异系数"),
    "column.targets_off_track": ("Targets off track", "进度滞后的目标数"),
    "column.composite_score": ("Composite score", "综合得分"),
    "column.composite_rank": ("Composite rank", "综合排名"),
    # weights rules, adjustments as short names, significance in legends
    "rule.queen": ("queen contiguity", "Queen 邻接"),
    "rule.rook": ("rook contiguity", "Rook 邻接"),
    "rule.knn": ("{k} nearest neighbours", "{k} 个最近邻"),
    "adjust.fdr": ("FDR", "FDR"),
    "adjust.by": ("BY", "BY"),
    "adjust.bonferroni": ("Bonferroni", "Bonferroni"),
    "adjust.any": ("multiple-testing", "多重检验"),
    "legend.adjusted": ("{adjust}-adjusted, q ≤ {alpha}", "{adjust}校正，q ≤ {alpha}"),
    "legend.unadjusted": ("p ≤ {alpha}", "p ≤ {alpha}"),
    "legend.hot_adjusted": (
        "{adjust}-adjusted: 99%, 95%, 90% = q ≤ 0.01, 0.05, 0.10",
        "{adjust}校正：99%、95%、90% 即 q ≤ 0.01、0.05、0.10",
    ),
    "legend.hot_unadjusted": ("99%, 95%, 90% = p ≤ 0.01, 0.05, 0.10",
                              "99%、95%、90% 即 p ≤ 0.01、0.05、0.10"),
    "legend.emerging": ("{start}-{end}, each year p ≤ {alpha}",
                        "{start}-{end} 年，逐年 p ≤ {alpha}"),
    # generated layer names and figure captions
    "layer.year": ("{label}, {year}", "{label}（{year} 年）"),
    "layer.years": ("{label}, {start}-{end}", "{label}（{start}-{end} 年）"),
    "layer.lisa": ("{label}: LISA clusters", "{label}：LISA 集聚"),
    "layer.hotspot": ("{label}: hot and cold spots (Gi*)", "{label}：冷热点 (Gi*)"),
    "layer.target": ("{label}: target", "{label}：目标"),
    "layer.emerging": ("{label}: emerging hot spots", "{label}：时空热点模式"),
    # access to services (geodisparity.pipeline_access)
    "access.title": ("Access to services", "服务可达性"),
    "access.how": (
        "{label}: two-step floating catchment ({method}), catchment {catchment} m, "
        "{facilities} facilities with a total capacity of {capacity}; demand: {demand}. Scores "
        "are capacity per {per} people; a region with no facility within reach scores 0.",
        "{label}：两步移动搜索法（{method}），搜索半径 {catchment} 米，设施 {facilities} 处，总"
        "容量 {capacity}；需求：{demand}。得分为每 {per} 人拥有的容量；搜索半径内没有设施的地区"
        "得分为 0。",
    ),
    "access.method_2sfca": ("Luo & Wang 2003", "Luo & Wang 2003"),
    "access.method_e2sfca": ("enhanced, Luo & Qi 2009", "增强型，Luo & Qi 2009"),
    "access.regions": (
        "region centroids, each weighted by its population",
        "各地区质心，按人口加权",
    ),
    "access.points": (
        "population points, averaged per region by population",
        "人口点，按人口加权汇总到地区",
    ),
    "access.gaussian": (", Gaussian distance decay (Dai 2010)", "，高斯距离衰减（Dai 2010）"),
    "access.statistic": ("Statistic", "指标"),
    "access.value": ("Value", "数值"),
    "access.row_1": ("Regions scored", "参与计算的地区数"),
    "access.row_2": ("Mean (population-weighted)", "均值（人口加权）"),
    "access.row_3": ("Lowest", "最低"),
    "access.row_4": ("Highest", "最高"),
    "access.row_5": ("Highest / lowest", "最高 / 最低"),
    "access.row_6": ("Gini (population-weighted)", "基尼系数（人口加权）"),
    "access.row_7": (
        "Share of population with no facility in reach",
        "搜索半径内没有设施的人口比重",
    ),
    "access.caption": ("Spread of {label} between regions ({year})", "{label}的地区差异（{year}）"),
    # regions left out (geodisparity.pipeline_missing)
    "missing.title": ("Regions left out", "未纳入分析的地区"),
    "missing.analysis": ("Analysis", "分析"),
    "missing.region": ("Region", "地区"),
    "missing.year": ("Year", "年份"),
    "missing.columns": ("Missing", "缺失字段"),
    "missing.intro": (
        "These regions had a missing value and were left out of the analysis named (missing = "
        "\"drop\"); they are kept in every other analysis and map.",
        "以下地区存在缺失值，已从所列分析中剔除（missing = \"drop\"）；其他分析和地图仍包含它们"
        "。",
    ),
    "missing.gaps": ("Gap statistics", "差距统计"),
    "missing.clusters": ("Clusters of {column}", "{column} 的空间聚类"),
    "missing.no_test": (
        "No permutation test ran (clusters.permutations = 0): no pseudo p-values exist, so no "
        "region is classed as a LISA cluster or Gi* hot spot.",
        "未进行置换检验（clusters.permutations = 0）：没有伪 p 值，因此没有地区被划为 LISA 聚类"
        "或 Gi* 热点。",
    ),
    # tables.xlsx sheets (geodisparity.pipeline_outputs)
    "outputs.contents": ("contents", "目录"),
    "outputs.sheet": ("Sheet", "工作表"),
    "outputs.table": ("Table", "表"),
    "outputs.file": ("File", "文件"),
    "outputs.regions": ("Regions", "地区"),
    "outputs.gaps": ("Gaps", "差距"),
    "outputs.clusters": ("Clusters", "空间聚类"),
    "outputs.moran": ("Moran's I", "莫兰指数"),
    "outputs.intervals": ("Bootstrap intervals", "自助法置信区间"),
    "outputs.theil": ("Theil by {group}", "泰尔分解 {group}"),
    "outputs.dagum": ("Dagum Gini by {group}", "Dagum 基尼分解 {group}"),
    "outputs.sigma": ("Sigma convergence", "σ 收敛"),
    "outputs.markov": ("LISA Markov {column}", "LISA 马尔可夫 {column}"),
    "outputs.transitions": ("LISA transitions {column}", "LISA 转移 {column}"),
    "outputs.attainment": ("Attainment", "目标达成"),
    "outputs.taskbook": ("Task book", "任务书"),
    "outputs.taskbook_groups": ("Task book by group", "任务书（分组）"),
    "outputs.composite": ("Composite index", "综合指数"),
    "outputs.left_out": ("Regions left out", "未纳入分析的地区"),
    "outputs.from": ("From / to", "从 / 到"),
    # rasters (geodisparity.pipeline_rasters)
    "rasters.title": ("Rasters", "栅格数据"),
    "rasters.intro": (
        "Columns computed from rasters by zonal statistics: cells partly inside a region count "
        "by the share inside; nodata, fill values and NaN are left out; the regions were "
        "reprojected to each raster's CRS.",
        "以下各列由栅格分区统计得出：部分位于区域内的像元按其面积占比计入；无效值、填充值和"
        " NaN 不计入；区域边界已投影到各栅格的坐标系。",
    ),
    "rasters.missing": (
        "{column}: no valid cell in {n} regions ({rows}); their value is missing.",
        "{column}：{n} 个区域内没有有效像元（{rows}），其值缺失。",
    ),
    "rasters.column": ("column", "列"),
    "rasters.label": ("label", "名称"),
    "rasters.source": ("computed as", "计算方式"),
    "rasters.regions": ("regions with a value", "有值的区域数"),
    "rasters.crs": ("raster CRS", "栅格坐标系"),
    # values shown as words
    "value.true": ("yes", "是"),
    "value.false": ("no", "否"),
    # the join summary (geodisparity.io.join_report)
    "join.matched": (
        "{matched} of {n_left} regions matched {table} (by {by}, how={how}{year}; "
        "{matched_rows} of {n_right} table rows used)",
        "{n_left} 个地区中有 {matched} 个与 {table} 匹配（按{by}匹配，how={how}{year}；"
        "使用了 {n_right} 行中的 {matched_rows} 行）",
    ),
    "join.year": (", {year}", "，{year}"),
    "join.by_key": ("key", "代码"),
    "join.by_name": ("name", "名称"),
    "join.long_year": ("long table by {column}", "长表，年份列 {column}"),
    "join.no_row_one": ("1 region has no row in {table}: {rows}",
                        "1 个地区在 {table} 中没有对应行：{rows}"),
    "join.no_row_many": ("{n} regions have no row in {table}: {rows}",
                         "{n} 个地区在 {table} 中没有对应行：{rows}"),
    "join.no_region_one": ("1 row of {table} matches no region: {rows}",
                           "{table} 中有 1 行没有匹配的地区：{rows}"),
    "join.no_region_many": ("{n} rows of {table} match no region: {rows}",
                            "{table} 中有 {n} 行没有匹配的地区：{rows}"),
    "join.fits": ("{value} fits {candidates}", "{value} 可对应 {candidates}"),
    "join.ambiguous": ("ambiguous, left unmatched: {rows}", "有歧义、未匹配：{rows}"),
    "join.repairs": ("key repairs: {repairs}", "代码修复：{repairs}"),
    "join.regions": ("regions", "地区"),
    "join.table": ("table", "数据表"),
    "join.did_you_mean": ("did you mean: {rows}", "是否指：{rows}"),
    "join.hint_key": ("key {key}", "代码 {key}"),
    "join.empty_one": (
        "1 region has an empty or missing geometry (kept for the join and non-spatial "
        "statistics; islands in weights, left off maps): {rows}",
        "1 个地区的几何为空或缺失（保留用于匹配和非空间统计；"
        "在空间权重中为孤岛，地图上不绘制）：{rows}",
    ),
    "join.empty_many": (
        "{n} regions have an empty or missing geometry (kept for the join and non-spatial "
        "statistics; islands in weights, left off maps): {rows}",
        "{n} 个地区的几何为空或缺失（保留用于匹配和非空间统计；"
        "在空间权重中为孤岛，地图上不绘制）：{rows}",
    ),
    "list.more": ("{shown} and {rest} more", "{shown} 等（另有 {rest} 个）"),
    "list.none": ("(none)", "（无）"),
    "list.separator": (", ", "、"),
    "join.repair_text": ("converted to text", "数字转为文本"),
    "join.repair_dot0": ("'.0' removed", "去掉“.0”"),
    "join.repair_space": ("whitespace stripped", "去掉空白"),
    "join.repair_zeros": ("leading zeros removed (region keys are numbers)",
                          "去掉前导零（地区代码为数字）"),
    "join.repair_pad": ("zero-padded to {width} digits", "补零至 {width} 位"),
}

# The report's charts (geodisparity.charts), matrices and region lists (i9-report).
MESSAGES.update({
    "page.rows": ("rows", "行"),
    "page.regions": ("regions", "个地区"),
    "report.cluster_list": ("{column}: regions in significant LISA clusters",
                            "{column}：显著 LISA 集聚的地区"),
    "time.pattern_list": ("{column}, regions with a pattern", "{column}，呈现模式的地区"),
    "chart.target_line": ("Target {value} ({year})", "目标 {value}（{year}）"),
    "chart.target_line_no_year": ("Target {value}", "目标 {value}"),
    "chart.equality": ("Line of equality", "绝对平均线"),
    "chart.population_share": ("Cumulative share of population", "人口累计占比"),
    "chart.income_share": ("Cumulative share of income", "收入累计占比"),
    "chart.gini": ("Gini {value}", "基尼系数 {value}"),
    "chart.moran_i": ("Moran's I = {value}", "莫兰指数 I = {value}"),
    "chart.standardised": ("Standardised value", "标准化值"),
    "chart.spatial_lag": ("Spatial lag", "空间滞后"),
    "chart.between": ("Between groups", "组间"),
    "chart.within": ("Within groups", "组内"),
    "chart.net_between": ("Net between groups", "净组间"),
    "chart.transvariation": ("Transvariation", "超变密度"),
    "chart.theil_bar": ("Theil T {value}", "泰尔指数 {value}"),
    "chart.dagum_bar": ("Dagum Gini {value}", "Dagum 基尼系数 {value}"),
    "chart.lorenz_title": ("Lorenz curve of {column}", "{column} 的洛伦兹曲线"),
    "chart.moran_title": ("Moran scatter plot of {column}", "{column} 的莫兰散点图"),
    "chart.shares_title": ("Decomposition by {group}", "按 {group} 分解"),
    "heat.download": ("Download as CSV ({name}, {rows} × {columns})",
                      "下载 CSV 文件（{name}，{rows} × {columns}）"),
    "heat.too_big": ("A {rows} × {columns} matrix is too large to show here.",
                     "{rows} × {columns} 矩阵过大，此处不显示。"),
})

#: Keys whose Chinese text is the same as the English one on purpose (symbols, proper nouns).
SAME_IN_BOTH: frozenset[str] = frozenset({
    "report.adjust_bonferroni", "adjust.fdr", "adjust.by", "adjust.bonferroni",
    "access.method_2sfca",
    "legend.unadjusted",
})
