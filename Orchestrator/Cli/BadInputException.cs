namespace ActiveLearning.Orchestrator.Cli;

/// <summary>The user's input cannot be used (a bad option value, a structure a potential refuses); exit code 2 with the message.</summary>
public sealed class BadInputException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Runs an options record's validation, turning its <see cref="ArgumentException"/> into bad input.</summary>
    public static void Check(Action validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message, e);
        }
    }
}
