using ActiveLearning.TestSupport;

namespace ActiveLearning.Orchestrator.Tests;

public sealed class LayeringTests
{
    [Fact]
    public void The_orchestrator_may_use_every_layer()
    {
        Layering.ForbiddenReferences("al").Should().BeEmpty();
    }

    [Fact]
    public void The_rule_check_reports_a_layer_that_reaches_upwards()
    {
        // The CLI uses Atomistics; judged by the rules of Selection (which may know no atoms) that is a violation.
        Layering.ForbiddenReferences("al", rulesOf: "ActiveLearning.Selection").Should().Contain("ActiveLearning.Atomistics");
    }
}
