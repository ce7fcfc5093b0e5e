"""docs/tutorial.md: a guided class in three scenarios, with figures and numbers from real runs.

``python -m cogov_sim.frontends.viz.tutorial --write`` runs the three scenarios exactly as
the app runs them (classroom street, side by side, seed 42), writes a frame of
each to ``docs/figures/tutorial_*.png`` and the page with the outcome tables; a
test checks the tables are current.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from cogov_sim.frontends.viz.labels import CHARTS, mechanism_label

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC = DOCS / "tutorial.md"


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    query: str  # page address parameters
    days: int
    variable: str
    story: str  # what to do and what to look at
    questions: tuple[str, ...]


SCENARIOS = (
    Scenario(
        slug="one_grid",
        title="1. From departmental silos to one grid (全科网格 + 吹哨报到)",
        query="mechanisms=integrated_grid,whistle_response&seed=42",
        days=120,
        variable="satisfaction",
        story=(
            "Left: the traditional set-up, where each department runs its own grid and a "
            "report can go to the wrong silo, wait in a transfer or get lost. Right: the "
            "zones merged into one grid whose worker takes every report, and the community "
            'party branch able to "whistle" a department that must then respond within a '
            "deadline. Press ▶ and follow single markers: on the left a fault (■) or a "
            "hazard (▲) that has been reported waits for its department for days; on the "
            "right most are gone the next day. The on-time closure and response-time charts "
            "separate within the first month (table below)."
        ),
        questions=(
            "Which issue types stay open longest on the left, and why (look at who owns them)?",
            "Set the whistle deadline slider to 168 h: what happens to response time?",
            "The integrated grid gives workers 1.5x hours. Set the factor to 1.0: how much "
            "of the gain was the extra staff, and how much the single queue?",
        ),
    ),
    Scenario(
        slug="participation",
        title="2. Residents take part: points and a deliberation council (积分制 + 协商议事)",
        query="mechanisms=points_incentive,deliberation,legal_mediators&seed=42",
        days=150,
        variable="participation",
        story=(
            "Colour the residents by participation (dark green: took part in the last 30 days). "
            "With the points scheme, taking part and reporting earn points; the council "
            "meets every two weeks on collective matters (◆) with the neighbours around "
            "them; trained legal-literate mediators settle neighbour disputes (✖). "
            "Participation spreads from neighbour to neighbour on the right, and where "
            "neighbours take part fewer neighbour disputes break out (compare the count "
            "in the table)."
        ),
        questions=(
            "Participation spreads in clusters: why there and not evenly (look at the "
            "neighbour term in docs/ODD.md 7.9)?",
            "Turn the value of points to 0: does participation fall back to the left's level?",
            "Who pays? The summary's cost_funds counts points redeemed (run the same settings "
            "on the command line: see below).",
        ),
    ),
    Scenario(
        slug="flood",
        title="3. A flood: traditional response vs party volunteers (应急 + 双报到 + 党员联户)",
        query="preset=emergency_party&seed=42",
        days=135,
        variable="trust",
        story=(
            "Both sides get the same flood on day 120: for ten days faults, hazards and "
            "service needs arrive fifteen times as often. Step to day 118, then play slowly "
            "(2 days per second). On both sides the markers pile up, and more stay open on "
            "the left (count them in the table): on the right, party members registered "
            "with the "
            "community (双报到) and linked to households (党员联户) form volunteer teams "
            "that handle the small issues, and their visits find issues that nobody "
            "reported."
        ),
        questions=(
            "Which households' issues wait longest during the flood on the left?",
            "Set 'flood starts on day' to 30: does the party side still do better before "
            "its members have built up visits?",
            "Trust moves slowly: how many days after the flood does the gap in trust close?",
        ),
    ),
)


def run_scenario(sc: Scenario):
    """The scenario's run at its last day, as the app would show it."""
    from urllib.parse import parse_qs

    from cogov_sim.frontends.viz.session import ClassroomRun, Settings

    settings, warnings = Settings.from_query(parse_qs(sc.query))
    if warnings:
        raise ValueError(f"tutorial scenario {sc.slug}: {warnings}")
    settings = settings.replace("variable", sc.variable)
    run = ClassroomRun(settings)
    run.step(sc.days)
    return run


def table(run) -> list[str]:
    """Outcome charts' values at the last day, baseline vs mechanisms, and two counts."""
    from cogov_sim.core.issues import IssueType

    rows = ["| outcome | baseline | with the mechanisms |", "|---|---:|---:|"]
    for key, label, scale in CHARTS:
        vals = []
        for _, m in run.models:
            v = m.datacollector.model_vars[key][-1] * scale
            vals.append("n/a" if v != v else f"{v:.1f}")
        rows.append(f"| {label['en']} | {vals[0]} | {vals[1]} |")
    counts = [
        [m.datacollector.model_vars["open_issues"][-1] for _, m in run.models],
        [
            int((m.issues.itype[: m.issues.n] == IssueType.NEIGHBOUR_DISPUTE).sum())
            for _, m in run.models
        ],
    ]
    rows.append(f"| open issues (markers on the map) | {counts[0][0]} | {counts[0][1]} |")
    rows.append(f"| neighbour disputes so far | {counts[1][0]} | {counts[1][1]} |")
    return rows


def render(write_figures: bool = False) -> str:
    from cogov_sim.frontends.viz.render import FrameRenderer

    out = [
        "# Tutorial: three co-governance scenarios for a class",
        "",
        "<!-- generated by `python -m cogov_sim.frontends.viz.tutorial --write`; "
        "the tables and figures "
        "come from real runs (classroom street, seed 42); edit the text in "
        "cogov_sim/frontends/viz/tutorial.py -->",
        "",
        "This page walks a class through three scenarios in the teaching app. Each runs on "
        "the classroom street (one community of about 2,100 households on a 50 × 50 "
        "lattice, 50 × 50 is the app's default) with the baseline on the left and the chosen "
        "mechanisms on the right, from the same seed: both streets start identical, so every "
        "difference the class sees comes from the mechanisms.",
        "",
        "## Before the class",
        "",
        "```sh",
        "make viz                      # first time: installs everything into .venv",
        "# or, once installed:  .venv/bin/cogov-sim-viz --port 8765",
        "```",
        "",
        "Open <http://127.0.0.1:8765/>. The app needs no internet: every page asset is "
        "served by the app itself. To show it to a classroom network, start it with "
        "`--host 0.0.0.0` (it listens on this machine only by default). The button "
        "**中文** in the top bar switches every label to Chinese.",
        "",
        "What is on the screen:",
        "",
        "- **Map**: one cell per household, coloured by satisfaction, trust, recent "
        "participation or housing type (*Colour residents by*); satisfaction and trust run "
        "from dark blue (low) to yellow (high) in the cividis scale, which reads the same "
        "for red-green colour blindness (*Map colours* brings back the classic red-yellow-"
        "green). Thick lines are "
        "communities (社区), black "
        "lines grid zones (网格), grey lines managed compounds (小区). ▼ grid workers, ★ "
        "party branches, ⬢ property firms, ⬟ NGOs. Open issues are markers by type: ✖ "
        "neighbour dispute, ✚ property dispute, ■ facility fault, ▲ safety hazard, ● "
        "service need, ◆ collective matter; hollow while nobody has discovered them yet.",
        "- **Places**: colour by *housing type* first. Old estates (老旧小区, orange), "
        "commodity-housing compounds (商品房, light blue), rental-heavy blocks (出租/群租, "
        "pink) and urban villages (城中村, red-orange) come in neighbourhoods of about 1,400 "
        "households. Problems are not spread evenly: faults and hazards cluster in old "
        "estates and urban villages, light matters in urban villages and rentals, and "
        "vulnerable households live mostly in old estates. Ask the class where the markers "
        "pile up and why, then switch back to satisfaction: the unhappy patches are the busy "
        "ones. (`map.png` of a command-line run shows the housing types, satisfaction and "
        "issues per zone side by side; `cogov-sim-map RUN OTHER` maps the difference of two "
        "runs zone by zone.)",
        "- **Charts**: dispute resolution, on-time closure (办结率), response time, "
        "participation and mean satisfaction; dashed grey is the baseline, green the "
        "mechanisms. Shares run from 0 to 100 % and response time from 0, so a gap looks "
        "as large as it is; *Zoom chart axes to the data* fits them to the lines instead "
        "(the titles then carry ↕).",
        "- **Numbers**: beside the maps, each outcome's value today for the baseline and "
        "the mechanisms and their difference (green: better, red: worse), and a sentence "
        "saying what has happened so far and which processes it mostly came through "
        "(queues, workers' load, open issues, volunteer hours).",
        "- **Difference**: *Show the difference* turns the two maps into one map of each "
        "household's value with the mechanisms minus in the baseline (orange higher, purple "
        "lower) and the charts into difference lines around 0.",
        "- **Controls**: Step (one day), ▶/❚❚ play and pause, Reset (back to day 0, same "
        "seed); scenario preset, seed, lattice size; one checkbox per mechanism, and the "
        "key parameters of the mechanisms switched on as sliders, each with its value. "
        "*About this mechanism* under a mechanism's name says what it is in practice, what "
        "it changes in the model, what to look for and the figure it is calibrated to. "
        "Changing a setting restarts the run from day 0 (the page says so while it builds "
        "the new run).",
        "- **Presentation mode** (top bar) hides the controls for the projector and keeps "
        "▶ and Step in the top bar. The page address always holds the current settings: "
        "*Copy link* shares them, and a reload brings them back.",
        "- **Export for slides**: *Make GIF* / *Make MP4* replays the current settings up "
        "to the current day and offers the animation for download.",
        "",
        "Every scenario below can be opened directly with its page address; the numbers "
        "are what the charts show on the day given.",
        "",
    ]
    for sc in SCENARIOS:
        run = run_scenario(sc)
        fig = f"figures/tutorial_{sc.slug}.png"
        if write_figures:
            from PIL import Image

            frame = FrameRenderer(run.models, run.settings.mechanisms, sc.variable, "en")
            Image.fromarray(frame.rgb(run.models)).save(DOCS / fig, optimize=True)
        mechs = ", ".join(
            f"{mechanism_label(m, 'en')} ({mechanism_label(m, 'zh')})"
            for m in run.settings.mechanisms
        )
        out += [
            f"## {sc.title}",
            "",
            f"Open <http://127.0.0.1:8765/?{sc.query}&variable={sc.variable}> "
            f"(mechanisms: {mechs}).",
            "",
            sc.story,
            "",
            f"![day {sc.days} of scenario {sc.slug}]({fig})",
            "",
            f"Day {sc.days}:",
            "",
            *table(run),
            "",
            "Questions for the class:",
            "",
            *[f"{i}. {q}" for i, q in enumerate(sc.questions, 1)],
            "",
        ]
    out += [
        "## 4. A class plays the street (课堂角色扮演)",
        "",
        "After watching the mechanisms, let the class play the actors. Start the server "
        "for the classroom network (`cogov-sim-viz --host 0.0.0.0`) and press **Play as a "
        "class** in the top bar (or open `/class`):",
        "",
        "1. Open a class: the default street, 6 rounds of 30 days, `3` communities in play "
        "(13 roles: the street office, and three communities' grid team, secretary, "
        "property firm and NGO). The console shows the join code and a QR code.",
        "2. Students open `/join` on their phones, enter the code and a name, and each "
        "gets a role; press **Start**.",
        "3. Each round every student moves their role's levers, sends the decision and "
        "presses **I'm ready**; the street runs a month when all are ready or the timer "
        "ends. Talk through the console between rounds: who is ahead of the baseline, "
        "and why?",
        "4. After round 6, open **Debrief** and download the export.",
        "",
        "![The console while the class decides](figures/class_console_deciding_en.png)",
        "",
        "![A student's page on a phone](figures/class_student_phone_en.png)",
        "",
        "![The finished class, in Chinese](figures/class_console_finished_zh.png)",
        "",
        "Questions for the class:",
        "",
        "1. Which decisions moved the deciding role's own figure, and which moved the street's?",
        "2. Did the grid teams that patrolled most find more and close faster, or did "
        "their backlog grow?",
        "3. Did the firms that reinvested their margin see more fees paid a month later?",
        "",
        "Every role's levers, the rules of play and the export: [class.md](class.md).",
        "",
    ]
    out += [
        "## From the class to a study",
        "",
        "One run is one draw. Before drawing conclusions, run each comparison over many "
        "seeds on the command line, where every outcome of docs/ODD.md is computed, e.g. "
        "for scenario 1:",
        "",
        "```sh",
        ".venv/bin/cogov-sim -m world=classroom 'mechanisms=[],[integrated_grid,"
        "whistle_response]' 'seed=range(1,21)'",
        "```",
        "",
        "and any single run can be saved as an animation for slides with "
        "`output.animation=gif` (or `mp4`), e.g. "
        "`.venv/bin/cogov-sim world=classroom preset=emergency_party steps=150 "
        "output.animation=mp4`.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write docs/tutorial.md and figures")
    args = parser.parse_args(argv)
    text = render(write_figures=args.write)
    if args.write:
        DOC.write_text(text)
        print(f"updated {DOC}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
