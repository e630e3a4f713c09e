"""Read reports: paste, upload or fetch a news report, review the claims it proposes,
and add the accepted ones to the ledger."""

from __future__ import annotations

import streamlit as st

from conflictmap.ledger import ImportRejected, NotAllowed
from conflictmap.reader import ReviewError, records_from_rows
from ui import auth, data, placing_view
from ui import ingest_view as view

st.title("Read reports")
st.caption(
    "The reader finds every place a report names and proposes the control claims it "
    "reports: who claims (RU, UA or a third party), who holds the place, how much of "
    "it, and when. Check each one against the highlighted sentence, edit or untick "
    "it, then add the accepted claims to the ledger."
)

view.init()
ws = data.workspace()
gaz = ws.gazetteer

paste, upload, link = st.tabs(["Paste text", "Upload files", "From a URL"])
with paste:
    with st.form("ingest_paste"):
        text = st.text_area(
            "Report text",
            height=220,
            key="ingest_text",
            placeholder="Paste the text of a news report",
        )
        c1, c2 = st.columns(2)
        published = c1.date_input(
            "Published on (empty: from the text, else today)",
            value=None,
            format="YYYY-MM-DD",
            key="ingest_published",
        )
        publisher = c2.text_input("Publisher", key="ingest_publisher")
        c3, c4 = st.columns(2)
        url = c3.text_input("URL of the report (optional)", key="ingest_source_url")
        title = c4.text_input("Title (optional)", key="ingest_title")
        go = st.form_submit_button("Read the text")
    if go:
        try:
            item = view.read_pasted(
                text, published, gaz, {"publisher": publisher, "url": url, "title": title}
            )
            view.drop_known(item, ws.ledger, gaz)
        except view.ERRORS as exc:
            st.error(str(exc))

with upload:
    with st.form("ingest_upload", clear_on_submit=True):
        files = st.file_uploader(
            "Reports (.txt, .html)",
            type=["txt", "html", "htm"],
            accept_multiple_files=True,
            key="ingest_files",
        )
        up_published = st.date_input(
            "Published on (empty: from each file)",
            value=None,
            format="YYYY-MM-DD",
            key="ingest_files_published",
        )
        go_files = st.form_submit_button("Read the files")
    if go_files:
        if not files:
            st.warning("Choose one or more files first.")
        else:
            bar = st.progress(0.0, text="Reading...")
            done, errors = view.read_uploads(files, up_published, gaz, bar)
            for item in done:
                view.drop_known(item, ws.ledger, gaz)
            for message in errors:
                st.error(message)
            if done:
                st.success(f"Read {len(done)} of {len(files)} file(s).")

with link:
    with st.form("ingest_url"):
        page_url = st.text_input(
            "Web address of the article", key="ingest_url", placeholder="https://..."
        )
        url_published = st.date_input(
            "Published on (empty: from the page)",
            value=None,
            format="YYYY-MM-DD",
            key="ingest_url_published",
        )
        go_url = st.form_submit_button("Fetch and read")
    if go_url:
        with st.spinner("Fetching the page..."):
            try:
                view.drop_known(view.read_url(page_url, url_published, gaz), ws.ledger, gaz)
            except view.ERRORS as exc:
                st.error(str(exc))

items = view.items()
if not items:
    st.info("Nothing read yet. Paste a report, upload files or give a URL above.")

for item in reversed(items):
    art, ex = item.article, item.extraction
    st.divider()
    st.subheader(view.plain(art.title or art.name or f"Report {item.id}"))
    placed, unresolved = view.mention_summary(ex, ws.gazetteer)
    language = {"en": "English", "ru": "Russian", "uk": "Ukrainian"}.get(ex.language, ex.language)
    st.markdown(f"**Language:** {view.plain(language)}")
    st.markdown(f"**Places:** {view.plain(placed) or 'none placed'}")
    unmapped = placing_view.unmapped_places(ex, ws.gazetteer)
    if unmapped:
        st.markdown(
            "**Known, not on the map yet:** "
            + "; ".join(f"{view.plain(p.name)} ({view.plain(p.identity)})" for p in unmapped)
            + ". Their claims are proposed below and can be added now; the map draws them "
            "once the village is placed (click its map or type its point)."
        )
        for p in unmapped:
            with st.expander(f"Place {view.plain(p.name)} on the map", expanded=True):
                if not auth.can("add"):
                    st.caption(auth.refusal("add"))
                    continue
                placing_view.place_form(
                    p,
                    ws,
                    auth.current_author(),
                )
    if unresolved:
        st.markdown(
            f"**Not placed** (several places or none fit): {view.plain(unresolved)}. "
            f"To claim one of them, add a row below with the place as “name, region”."
        )
    if ex.published_from == "today":
        st.warning(
            f"No publication date was given or found in the text, so days such as "
            f"“on Monday” were counted back from today ({ex.published}). If the report "
            f"is older, read it again with its publication date."
        )
    with st.expander("The report, with the evidence of each claim highlighted"):
        st.markdown(view.highlighted(art.text, ex), unsafe_allow_html=True)
    if item.id in st.session_state[view.ADDED]:
        st.success("Added to the ledger.")
    if item.known:
        st.info(
            f"{item.known} claim(s) of this report are in the ledger already and are not "
            f"proposed again."
        )
    if not ex.claims:
        st.info(
            "The reader proposes no claim for this report. Add rows below by hand if it "
            "reports one."
        )
    s1, s2, s3, s4 = st.columns(4)
    source = {
        "publisher": s1.text_input("Publisher", value=art.publisher, key=f"pub_{item.id}"),
        "url": s2.text_input("URL", value=art.url, key=f"url_{item.id}"),
        "title": s3.text_input("Title", value=art.title, key=f"title_{item.id}"),
        "published": s4.text_input(
            "Published", value=ex.published.isoformat(), key=f"published_{item.id}"
        ),
    }
    edited = view.editor(item)
    b1, b2 = st.columns([3, 1])
    b2.button(
        "Remove this report from the list",
        key=f"remove_{item.id}",
        on_click=view.remove,
        args=(item.id,),
    )
    if not auth.can("add"):
        b1.caption(auth.refusal("add"))
    elif b1.button("Add the ticked claims to the ledger", key=f"add_{item.id}", type="primary"):
        rows = edited.to_dict("records")
        try:
            records = records_from_rows(rows, source, gaz)
            result = ws.ledger.import_records(
                records,
                art.url or art.name or "the report",
                author=auth.current_author(),
                kind="review",
            )
        except (ReviewError, NotAllowed) as exc:
            st.error(str(exc))
        except ImportRejected as exc:
            st.error(view.rejected_message(exc, rows))
        else:
            st.session_state[view.ADDED].add(item.id)
            st.success(view.added_message(result, len(records)))
