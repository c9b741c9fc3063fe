"""The grid's asset register: lines, 台区 and towers of each unit, imported as dated versions (issue 16)."""
