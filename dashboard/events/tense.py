"""The tense of a clause, read from its words: what is to come, what was, what is said, what holds now.

The vocabulary `dashboard.events.clauses` reads a clause's tense with; English only, as the rules are.
"""

from __future__ import annotations

import re

# A weekday or date is "future" when the clause around it speaks of what is to come.
FUTURE = re.compile(
    r"\b(?:will|shall|'ll|due\s+(?:to|on|in|for|by)|set\s+for|slated|expected\s+to|is\s+to|are\s+to|set\s+to|scheduled|plans?\s+to|planned|planning"
    r"|going\s+to|would|next|coming|upcoming|tomorrow|to\s+be\s+held|intends?\s+to|hopes?\s+to|ahead\s+of"
    # what is offered or pledged is to come ("pledged to reopen the embassy on Monday")
    r"|(?:offer(?:ed|s)?|promis(?:ed|es)|pledg(?:ed|es)|vow(?:ed|s)|threaten(?:ed|s)|propos(?:ed|es))\s+to\s+[a-z]+"
    # A possible event is a coming one, as the keys' rules have it ("talks could start on Tuesday", "may
    # resume next week"): its future day, marked expected. "could have", "may have" look back, and "could
    # hear", "could see" tell what was perceived, "could not" what failed; a capital "May" is the month.
    r"|(?:could(?!\s+not\b)|might|(?-i:may))(?:\s+(?:well|yet|still|soon|also|even))?\s+(?!have\b|not\s+have\b|hear\b|see\b"
    r"|feel\b|smell\b|only\b|be\s+(?:heard|seen|felt)\b)[a-z]+)\b",
    re.IGNORECASE)
# "could hear blasts on Tuesday": what was perceived, in the past.
COULD_PERCEIVE = re.compile(r"\bcould(?:\s+not|n['’]t)?\s+(?:hear|see|feel|smell|only|be\s+(?:heard|seen|felt))\b",
                             re.IGNORECASE)
# A headline tells what is to come with "to" and a verb ("Cairo to host talks on Monday", "Talks to resume").
HEADLINE_FUTURE = re.compile(
    r"\bto\s+(?:be\s+\w+|host|hold|meet|visit|begin|start|open|resume|reopen|restart|close|end|sign|vote|attend"
    r"|join|hear|decide|launch|face|speak|address|discuss|seek|receive|send|deliver|release|lift|impose|extend"
    r"|expire|convene|publish|unveil|announce|present|testify|hand|free|stay|remain|get|travel|fly|return|leave"
    r"|evacuate|withdraw|deploy|airlift|rescue|repatriate|pull|bring|fund|supply|build|ban|allow|cut|raise|probe"
    r"|investigate|ask|buy|sell|give|provide|ship|suspend|halt|stop|expel|recall|shut|cap)\b",
    re.IGNORECASE)
REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|tell|confirmed|confirms|announced|announces|reported|reports|added|adds"
    r"|stated|states|warned|warns|claimed|claims|insisted|insists|believes?|believed|according\s+to)\b",
    re.IGNORECASE)
SPEECH_ACT = re.compile(
    r"\b(?:offer(?:ed|s)?|promis(?:ed|es)|pledg(?:ed|es)|vow(?:ed|s)|threaten(?:ed|s)|propos(?:ed|es))(?=\s+to\s+[a-z])",
    re.IGNORECASE)
# A clause told in the present ("Aleppo is quiet now") keeps to the report time: an expression in
# another clause of the sentence ("Rebels took Homs on Tuesday; ...") does not reach it.
SAYS = frozenset({"says", "say", "tells", "tell", "confirms", "announces", "reports", "adds", "states", "warns",
                   "claims", "insists"})
PRESENT = re.compile(r"\b(?:is|are|remains?|now|currently|at\s+present|continues?\s+to)\b", re.IGNORECASE)
# A capitalised word ending in "-ed" after another word is a name ("the United States", "said Mohammed"), not
# a verb; at a sentence's start it may be either, and is read as before.
PAST = re.compile(
    r"\b(?:was|were|had|has|have|did|(?-i:[a-z]\w{2,}ed)|(?<!\w\s)(?-i:[A-Z]\w{2,}ed)|said|met|went|came|took|held|left|fled|flew|fell|hit|struck|saw|began"
    r"|gave|made|told|spoke|ran|sent|got|won|lost|brought|built|drove|rode|broke|stood|sat|became|found|led|shot)\b",
    re.IGNORECASE)
# The present simple with a day names what is to come ("meets in Vienna on Monday", "the summit is on
# Saturday"): in a body clause with no verb in the past, a weekday or date looks ahead.
PRESENT_SIMPLE = re.compile(
    r"\b(?:is|are|(?:meet|gather|hold|host|visit|travel|begin|start|open|resume|head|arrive|vote|speak|return|reopen"
    r"|close|end|expire|convene|attend|join|sign|leave|hear|rule|decide|face|play|mark|launch|unveil|publish)s?"
    r"|takes?\s+place|flies|fly|goes|go|gives?|addresses|address)\b", re.IGNORECASE)


def looks_ahead(window: str, clause_at: int, expression_at: int) -> bool:
    """Whether the words before an expression speak of what is to come. A coming event told in the clause
    before does not reach a clause told in the past of its own ("will vote next week on a treaty, a step
    that Moscow called unfriendly in March": March is past)."""
    ahead = list(FUTURE.finditer(window))
    if not ahead:
        return False
    # Words reaching into the expression speak for it: "next Tuesday", "due on Saturday".
    if ahead[-1].end() > expression_at or ahead[-1].start() >= clause_at:
        return True
    return not any(m.group(0).lower() not in LOOKING_AHEAD
                   for m in PAST.finditer(window, max(0, clause_at), expression_at))


# Participles ending in -ed that tell of what is to come ("expected on Wednesday"), not a past tense.
LOOKING_AHEAD = frozenset({"expected", "scheduled", "rescheduled", "planned", "proposed", "intended", "delayed",
                            "postponed", "timed", "slated", "pencilled", "penciled", "billed"})
