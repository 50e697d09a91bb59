"""xuefen region plugins for Shandong (山东省) and its cities Dongying (东营市) and Weifang (潍坊市).

Three entry points, one per region code: ``shandong`` (:mod:`xuefen_shandong.hooks`),
``dongying`` (:mod:`xuefen_shandong.dongying`, a child of ``shandong`` that states only
its differences) and ``weifang`` (:mod:`xuefen_shandong.weifang`, its own 36-credit
scheme before 2015-03-31, the province's rules from that day). Every table of the three
is in :mod:`xuefen_shandong.rules`; the city modules hold their region and hooks only.
"""
