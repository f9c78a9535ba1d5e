"""Reading a data table by its column headers in one browser round trip: the JavaScript every page's reader builds on."""

from __future__ import annotations

# (table, heads) → one entry per body row that fills the header row (a "No orders yet" note spanning the columns is
# left out): `cells` maps the profile's field of each known header to the cell's text, `times` to the datetime of a
# <time> in that cell, and `buttons` lists the names of the row's buttons. `heads` maps a header (lower case, spaces
# collapsed; see profile.headers) to its field; columns it does not name are skipped. A missing table reads as no rows.
ROWS_OF = """(table, heads) => {
  const fields = Array.from(table?.tHead?.rows[0]?.cells || [],
    (c) => heads[c.textContent.trim().replace(/\\s+/g, " ").toLowerCase()] || null);
  return Array.from(table?.tBodies[0]?.rows || [])
    .filter((row) => row.cells.length === fields.length)
    .map((row) => {
      const cells = {}, times = {};
      fields.forEach((f, i) => {
        if (!f) return;
        cells[f] = row.cells[i].innerText.trim();
        const time = row.cells[i].querySelector("time");
        if (time) times[f] = time.getAttribute("datetime");
      });
      const buttons = Array.from(row.querySelectorAll("button"), (b) => b.textContent.trim());
      return { cells, times, buttons };
    });
}"""
