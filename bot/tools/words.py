"""Words for finding a task from a phrase: title verbs, irregular past tenses, filler words
and synonyms. Shared by the task tools' matcher and the rules agent, so both read "i paid the
rent" and "the passport thing" alike.
"""

from __future__ import annotations

# Verbs that start many titles ("call mom", "buy milk"). They say little about *which* task
# is meant, so a reference matching only such a verb is not a match.
_ACTION_VERBS = """
    add answer apply arrange ask attend back bake book bring buy call cancel change charge check
    clean clear collect confirm contact cook create deliver do download drop email empty feed
    file fill find finish fix follow get give go grab hang help hire install invite iron learn
    leave look mail make meet message mop move mow order organize organise pack paint pay phone
    pick plan post practice practise prep prepare print put read register remember renew rent
    repair replace reply research reserve respond return review run schedule see sell send set
    share shop sign sort start study submit take talk tell text tidy update upload vacuum visit
    wash watch water write
"""
ACTION_VERBS = frozenset(_ACTION_VERBS.split())

# Past tenses that do not end in -ed, for "i bought the milk" → "buy milk".
IRREGULAR_PAST = {
    "bought": "buy",
    "dealt": "deal",
    "paid": "pay",
    "sent": "send",
    "wrote": "write",
    "written": "write",
    "took": "take",
    "taken": "take",
    "did": "do",
    "done": "do",
    "made": "make",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "gave": "give",
    "given": "give",
    "brought": "bring",
    "sold": "sell",
    "told": "tell",
    "found": "find",
    "met": "meet",
    "read": "read",
    "ran": "run",
    "left": "leave",
    "drove": "drive",
    "driven": "drive",
    "ate": "eat",
    "eaten": "eat",
    "saw": "see",
    "seen": "see",
    "spoke": "speak",
    "spoken": "speak",
    "hung": "hang",
    "put": "put",
    "set": "set",
    "cut": "cut",
    "shut": "shut",
    "began": "begin",
    "begun": "begin",
    "swept": "sweep",
    "kept": "keep",
    "slept": "sleep",
    "built": "build",
    "spent": "spend",
    "lent": "lend",
    "held": "hold",
    "won": "win",
    "fed": "feed",
    "led": "lead",
    "threw": "throw",
    "thrown": "throw",
    "flew": "fly",
    "flown": "fly",
    "drew": "draw",
    "drawn": "draw",
    "chose": "choose",
    "chosen": "choose",
    "froze": "freeze",
    "frozen": "freeze",
    "rang": "ring",
    "rung": "ring",
    "sang": "sing",
    "taught": "teach",
    "caught": "catch",
    "thought": "think",
    "fought": "fight",
    "sought": "seek",
    "understood": "understand",
    "stood": "stand",
    "wore": "wear",
    "worn": "wear",
    "tore": "tear",
    "torn": "tear",
    "woke": "wake",
    "forgot": "forget",
    "forgotten": "forget",
    "hid": "hide",
    "rode": "ride",
    "shook": "shake",
    "stole": "steal",
    "swam": "swim",
    "dug": "dig",
    "mowed": "mow",
    "mown": "mow",
    "sewn": "sew",
    "shown": "show",
    "grew": "grow",
    "grown": "grow",
    "knew": "know",
    "known": "know",
    "heard": "hear",
    "had": "have",
    "felt": "feel",
    "lost": "lose",
    "sat": "sit",
    "stuck": "stick",
    "struck": "strike",
    "hit": "hit",
    "quit": "quit",
    "shot": "shoot",
    "fixed": "fix",
    "emailed": "email",
    "picked": "pick",
    "booked": "book",
    "called": "call",
    "ordered": "order",
    "returned": "return",
    "cleaned": "clean",
    "finished": "finish",
    "submitted": "submit",
    "signed": "sign",
    "cancelled": "cancel",
    "canceled": "cancel",
    "renewed": "renew",
    "scheduled": "schedule",
    "watered": "water",
    "washed": "wash",
    "mailed": "mail",
    "posted": "post",
    "replied": "reply",
    "texted": "text",
    "studied": "study",
    "tidied": "tidy",
    "emptied": "empty",
    "filed": "file",
    "prepped": "prep",
    "planned": "plan",
    "shopped": "shop",
    "dropped": "drop",
    "stopped": "stop",
    "messaged": "message",
    "phoned": "phone",
    "updated": "update",
    "uploaded": "upload",
    "printed": "print",
    "packed": "pack",
    "painted": "paint",
    "organized": "organize",
    "organised": "organise",
    "reviewed": "review",
}

# Words in a reference phrase that never name a task ("the passport *thing*").
_FILLER = """
    thing things stuff one ones task tasks todo todos item items entry reminder the a an my that
    this those these it about re regarding with for on of to from i we just finally already
    actually really now anymore also too ok okay so well yes yeah yep please pls thanks thank
    you list again today yet not no don't dont we're i'm im doing going gonna need needs want
    will won't can should be is are was were has have had does did all after some any more still
    nothing anything something everything what which who recently lately
"""
REFERENCE_FILLER = frozenset(_FILLER.split())


# Words people use for the same deed ("got the milk" → "buy milk"): each maps to one key.
_SYNONYM_GROUPS = (
    "buy get grab purchase pick",
    "call phone ring",
    "email mail",
    "book reserve",
    "fix repair mend",
    "clean tidy wash",
    "send post ship",
    "gift present",
    "doctor doc gp",
    "appointment appt",
    "groceries grocery shopping",
)
SYNONYMS = {word: group.split()[0] for group in _SYNONYM_GROUPS for word in group.split()}


def past_to_present(word: str) -> str | None:
    """The base form of a past-tense verb ("paid" → "pay", "called" → "call"), if it is one."""
    lowered = word.lower()
    if lowered in IRREGULAR_PAST:
        return IRREGULAR_PAST[lowered]
    if len(lowered) > 4 and lowered.endswith("ied"):
        return lowered[:-3] + "y"
    if len(lowered) > 4 and lowered.endswith("ed"):
        stem = lowered[:-2]
        if stem in ACTION_VERBS:
            return stem
        if stem + "e" in ACTION_VERBS:
            return stem + "e"
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in ACTION_VERBS:
            return stem[:-1]
        return stem
    return None


def is_past_tense(word: str) -> bool:
    lowered = word.lower()
    if lowered in IRREGULAR_PAST:
        return True
    return len(lowered) > 4 and lowered.endswith("ed") and lowered not in _PRESENT_IN_ED


# Words that end in "ed" and are no past tense ("bleed the radiators", "feed the cat").
_PRESENT_IN_ED_WORDS = "need bed red bleed feed speed weed seed breed proceed succeed exceed heed"
_PRESENT_IN_ED = frozenset(_PRESENT_IN_ED_WORDS.split())
