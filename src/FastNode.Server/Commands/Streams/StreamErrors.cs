using FastNode.Server.Storage.Streams;

namespace FastNode.Server.Commands.Streams;

/// <summary>Redis 7.0's error texts for the stream commands.</summary>
internal static class StreamErrors
{
    public static ReadOnlySpan<byte> InvalidId => "ERR Invalid stream ID specified as stream command argument"u8;
    public static ReadOnlySpan<byte> IdNotGreater => "ERR The ID specified in XADD is equal or smaller than the target stream top item"u8;
    public static ReadOnlySpan<byte> IdZero => "ERR The ID specified in XADD must be greater than 0-0"u8;
    public static ReadOnlySpan<byte> Exhausted => "ERR The stream has exhausted the last possible ID, unable to add more items"u8;
    public static ReadOnlySpan<byte> TooLarge => "ERR Elements are too large to be stored"u8;
    public static ReadOnlySpan<byte> MaxLenNegative => "ERR The MAXLEN argument must be >= 0."u8;
    public static ReadOnlySpan<byte> LimitNegative => "ERR The LIMIT argument must be >= 0."u8;
    public static ReadOnlySpan<byte> MaxLenAndMinId => "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"u8;
    public static ReadOnlySpan<byte> LimitWithoutStrategy => "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"u8;
    public static ReadOnlySpan<byte> TrimWithoutStrategy => "ERR syntax error, XTRIM must be called with a trimming strategy"u8;
    public static ReadOnlySpan<byte> LimitWithoutTilde => "ERR syntax error, LIMIT cannot be used without the special ~ option"u8;
    public static ReadOnlySpan<byte> InvalidStart => "ERR invalid start ID for the interval"u8;
    public static ReadOnlySpan<byte> InvalidEnd => "ERR invalid end ID for the interval"u8;
    public static ReadOnlySpan<byte> NoSuchKey => "ERR no such key"u8;
    public static ReadOnlySpan<byte> TimeoutNotInteger => "ERR timeout is not an integer or out of range"u8;
    public static ReadOnlySpan<byte> TimeoutNegative => "ERR timeout is negative"u8;
    public static ReadOnlySpan<byte> TimeoutOutOfRange => "ERR timeout is out of range"u8;
    public static ReadOnlySpan<byte> GroupOnlyXReadGroup => "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."u8;
    public static ReadOnlySpan<byte> NoAckOnlyXReadGroup => "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."u8;
    public static ReadOnlySpan<byte> MissingGroup => "ERR Missing GROUP option for XREADGROUP"u8;
    public static ReadOnlySpan<byte> DollarInXReadGroup =>
        "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."u8;
    public static ReadOnlySpan<byte> GreaterOnlyXReadGroup =>
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."u8;
    public static ReadOnlySpan<byte> GroupKeyMissing =>
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."u8;
    public static ReadOnlySpan<byte> BusyGroup => "BUSYGROUP Consumer Group name already exists"u8;
    public static ReadOnlySpan<byte> EntriesReadInvalid => "ERR value for ENTRIESREAD must be positive or -1"u8;
    public static ReadOnlySpan<byte> SetIdSmaller => "ERR The ID specified in XSETID is smaller than the target stream top item"u8;
    public static ReadOnlySpan<byte> SetIdEntriesAddedSmaller => "ERR The entries_added specified in XSETID is smaller than the target stream length"u8;
    public static ReadOnlySpan<byte> SetIdMaxDeletedLarger => "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"u8;
    public static ReadOnlySpan<byte> EntriesAddedNegative => "ERR entries_added must be positive"u8;
    public static ReadOnlySpan<byte> GroupGone => "NOGROUP the consumer group this client was blocked on no longer exists"u8;
    public static ReadOnlySpan<byte> CountNotPositive => "ERR COUNT must be > 0"u8;

    public static string Unbalanced(bool group) =>
        $"ERR Unbalanced {(group ? "XREADGROUP" : "XREAD")} list of streams: for each stream key an ID or '$' must be specified.";

    public static string NoGroupRead(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        $"NOGROUP No such key '{ErrorText.Text(key)}' or consumer group '{ErrorText.Text(group)}' in XREADGROUP with GROUP option";

    public static string NoGroupForKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        $"NOGROUP No such consumer group '{ErrorText.Text(group)}' for key name '{ErrorText.Text(key)}'";

    public static string NoKeyOrGroup(ReadOnlySpan<byte> key, ReadOnlySpan<byte> group) =>
        $"NOGROUP No such key '{ErrorText.Text(key)}' or consumer group '{ErrorText.Text(group)}'";
}
