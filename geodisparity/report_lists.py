"""Region lists that stay readable at national scale: named unambiguously, grouped by parent.

A report on 3,000 counties names hundreds of them ("Washington", "Jackson"...).
:func:`display_names` adds the parent (state, prefecture) to a name that
repeats, and the key where even that repeats. :func:`region_list` returns a
:class:`RegionList` that the report shows as one line when short, and as one
collapsed ``<details>`` block per parent when long, so a planner opens only
the prefecture or state they need.

Examples
--------
>>> import pandas as pd
>>> names = pd.Series(["Washington", "Washington", "Adams"], index=["39167", "53001", "39001"])
>>> parents = pd.Series(["Ohio", "Washington", "Ohio"], index=names.index)
>>> display_names(names, parents).tolist()
['Washington (Ohio)', 'Washington (Washington)', 'Adams']
>>> region_list("Clusters", names, parents=parents).text
'Clusters: Washington (Ohio), Washington (Washington), Adams.'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

__all__ = ["RegionList", "display_names", "region_list", "parent_column", "SHORT_LIST"]

#: Lists with more regions than this are grouped by parent and collapsed.
SHORT_LIST = 30
_NO_PARENT = "–"


@dataclass(frozen=True)
class RegionList:
    """A caption and regions, grouped by parent (one group labelled None when not grouped).

    ``collapsed`` lists are shown as closed ``<details>`` blocks, one per group.
    """

    caption: str
    groups: tuple[tuple[str | None, tuple[str, ...]], ...]
    collapsed: bool = False
    lang: str = "en"

    @property
    def size(self) -> int:
        """Number of regions listed."""
        return sum(len(items) for _, items in self.groups)

    @property
    def separator(self) -> str:
        """What separates two regions in the list (``", "``, or ``"，"`` in Chinese)."""
        return "，" if self.lang == "zh" else ", "

    @property
    def text(self) -> str:
        """The whole list as one line (as a short list is shown)."""
        items = self.separator.join(item for _, group in self.groups for item in group)
        if self.lang == "zh":
            return f"{self.caption}：{items}。" if items else self.caption
        return f"{self.caption}: {items}." if items else self.caption


def _bracket(text: str, extra: str, lang: str) -> str:
    return f"{text}（{extra}）" if lang == "zh" else f"{text} ({extra})"


def display_names(names: pd.Series, parents: pd.Series | None = None, *,
                  lang: str = "en") -> pd.Series:
    """Return the names with their parent where a name repeats, and the key where that repeats.

    Parameters
    ----------
    names : Series
        Region names, indexed by region key.
    parents : Series, optional
        Each region's parent (state, prefecture), same index.
    lang : {"en", "zh"}
        ``"zh"`` uses full-width brackets.

    Returns
    -------
    Series
        Text labels, same index: ``"Washington (Ohio)"``; ``"Jackson (Ohio, 39079)"``
        when two regions of one parent share a name; ``"Jackson (39079)"``
        without parents.

    Examples
    --------
    >>> names = pd.Series(["Jackson", "Jackson", "Lee"], index=[1, 2, 3])
    >>> display_names(names).tolist()
    ['Jackson (1)', 'Jackson (2)', 'Lee']
    >>> display_names(pd.Series([], dtype=object)).tolist()
    []
    """
    text = names.astype(str)
    keys = pd.Series(names.index.astype(str), index=names.index)
    repeated = text.duplicated(keep=False)
    if parents is None:
        extra = keys.where(repeated)
    else:
        parent = parents.reindex(names.index).astype(str).where(parents.reindex(
            names.index).notna(), _NO_PARENT)
        twice = pd.Series(list(zip(text, parent, strict=True)), index=names.index).duplicated(
            keep=False)
        extra = (parent + ", " + keys).where(twice, parent).where(repeated)
    labels = [_bracket(t, e, lang) if isinstance(e, str) else t
              for t, e in zip(text, extra, strict=True)]
    return pd.Series(labels, index=names.index, dtype=object)


def region_list(caption: str, names: pd.Series, *, notes: pd.Series | None = None,
                parents: pd.Series | None = None, lang: str = "en",
                short: int = SHORT_LIST) -> RegionList:
    """List regions under a caption: one line when short, grouped by parent when long.

    Parameters
    ----------
    caption : str
        What the list is (e.g. "income: significant clusters").
    names : Series
        Region names, indexed by key, in the order to list them.
    notes : Series, optional
        A short note per region (e.g. its cluster), shown in brackets.
    parents : Series, optional
        Each region's parent; a long list gets one group per parent.
    lang : {"en", "zh"}
        Bracket style.
    short : int
        Longest list shown on one line.

    Returns
    -------
    RegionList

    Examples
    --------
    >>> names = pd.Series([f"R{i % 3}" for i in range(40)], index=range(40))
    >>> parents = pd.Series([f"P{i // 10}" for i in range(40)], index=range(40))
    >>> listed = region_list("Long", names, parents=parents)
    >>> listed.collapsed, len(listed.groups), listed.groups[0][1][:2]
    (True, 4, ('R0 (0)', 'R1 (1)'))
    """
    if len(names) <= short or parents is None:
        labels = display_names(names, parents, lang=lang)
        groups: tuple[tuple[str | None, tuple[str, ...]], ...] = (
            (None, tuple(_noted(labels, notes, lang))),)
        return RegionList(caption, groups, collapsed=len(names) > short, lang=lang)
    parent = parents.reindex(names.index)
    parent = parent.astype(str).where(parent.notna(), _NO_PARENT)
    grouped = []
    for label in sorted(parent.unique()):
        members = names[parent == label]
        grouped.append((label, tuple(_noted(display_names(members, lang=lang), notes, lang))))
    return RegionList(caption, tuple(grouped), collapsed=True, lang=lang)


def _noted(labels: pd.Series, notes: pd.Series | None, lang: str) -> Iterable[str]:
    if notes is None:
        return labels.tolist()
    note = notes.reindex(labels.index).astype(str)
    return [_bracket(text, n, lang) for text, n in zip(labels, note, strict=True)]


def parent_column(frame: pd.DataFrame, candidates: Iterable[str]) -> str | None:
    """Return the first candidate column that groups the regions (2 to n - 1 groups).

    Examples
    --------
    >>> frame = pd.DataFrame({"state": ["a", "a", "b"], "id": [1, 2, 3], "all": ["x"] * 3})
    >>> parent_column(frame, ["all", "id", "state"])
    'state'
    """
    for column in candidates:
        if column in frame.columns and 2 <= frame[column].nunique() < len(frame):
            return column
    return None
