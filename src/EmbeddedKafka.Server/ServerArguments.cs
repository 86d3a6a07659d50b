using System.Globalization;

namespace Outbox.EmbeddedKafka.Server;

/// <summary>The command line: <c>--port N [--host H] [--partitions N] [--data-dir DIR]</c>.</summary>
internal sealed record ServerArguments(string Host, int Port, int Partitions, string? DataDirectory)
{
    public const string Usage = """
        Usage: Outbox.EmbeddedKafka.Server [--port N] [--host HOST] [--partitions N] [--data-dir DIR]

          --port N        port to listen on (default 9092; 0 picks a free one)
          --host HOST     address to listen on and advertise (default 127.0.0.1)
          --partitions N  partitions of automatically created topics (default 1)
          --data-dir DIR  keep topics, records, offsets and transactions in DIR across restarts
          --help          show this text

        Prints "READY host:port" on stdout once clients can connect; logs go to stderr.
        """;

    /// <summary>Parses the arguments; null with an error message when they are wrong.</summary>
    public static ServerArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var result = new ServerArguments("127.0.0.1", 9092, 1, null);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535:
                    result = result with { Port = port };
                    break;
                case "--host" when value.Length > 0:
                    result = result with { Host = value };
                    break;
                case "--partitions" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var partitions) && partitions >= 1:
                    result = result with { Partitions = partitions };
                    break;
                case "--data-dir" when value.Length > 0:
                    result = result with { DataDirectory = value };
                    break;
                case "--port" or "--host" or "--partitions" or "--data-dir":
                    error = $"invalid value for {name}: '{value}'";
                    return null;
                default:
                    error = $"unknown argument '{name}'";
                    return null;
            }
        }

        return result;
    }
}
