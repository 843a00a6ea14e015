namespace FastNode.Server.Blocking;

/// <summary>What a blocked list client does once an element arrives, and so how it is answered.</summary>
public enum ListWaitKind : byte
{
    /// <summary>BLPOP / BRPOP: pops one element; replies [key, element].</summary>
    Pop,
    /// <summary>BLMOVE / BRPOPLPUSH: pops one element and pushes it onto the destination; replies the element.</summary>
    Move,
    /// <summary>BLMPOP: pops up to Count elements; replies [key, [elements]].</summary>
    MultiPop,
}
