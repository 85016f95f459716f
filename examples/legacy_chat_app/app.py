"""A small chat service written against LangChain 0.1-era memory (deliberately legacy)."""
from langchain.chains import ConversationChain
from langchain.memory import ChatMessageHistory, ConversationBufferWindowMemory
from langchain_openai import ChatOpenAI

from memory_store import SessionMemory, summarising_memory

llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)


class ChatService:
    def __init__(self) -> None:
        self.memory = ConversationBufferWindowMemory(k=5, return_messages=True)
        self.chain = ConversationChain(llm=llm, memory=self.memory)

    def reply(self, text: str) -> str:
        return self.chain.predict(input=text)

    def history(self) -> list:
        return self.memory.load_memory_variables({})["history"]

    def forget(self) -> None:
        self.memory.clear()


def import_transcript(lines: list[tuple[str, str]]) -> ChatMessageHistory:
    history = ChatMessageHistory()
    for user, bot in lines:
        history.add_user_message(user)
        history.add_ai_message(bot)
    return history


def long_conversation_chain():
    return ConversationChain(llm=llm, memory=summarising_memory(llm))


def session_chain(user: str):
    return ConversationChain(llm=llm, memory=SessionMemory(user=user))
