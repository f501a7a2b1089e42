"""Optional LLM drafting: better wording for the engine's replies, never new facts or links.

`LLMDrafter.improve` words one suggestion; `improve_review` swaps a shown review's template
draft for the LLM's; `plan_llm` says whether the LLM is used, and why (`nudge check`).
"""

from bot.llm.client import ChatClient, LLMError
from bot.llm.drafting import LLMDrafter
from bot.llm.guardrails import Verdict, check_draft
from bot.llm.plan import LLMPlan, plan_llm
from bot.llm.review import improve_review

__all__ = [
    "ChatClient",
    "LLMDrafter",
    "LLMError",
    "LLMPlan",
    "Verdict",
    "check_draft",
    "improve_review",
    "plan_llm",
]
