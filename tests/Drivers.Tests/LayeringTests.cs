using ActiveLearning.TestSupport;

namespace ActiveLearning.Drivers.Tests;

public sealed class LayeringTests
{
    [Fact]
    public void Uses_only_the_assemblies_below_it_in_the_architecture()
    {
        Layering.ForbiddenReferences("ActiveLearning.Drivers").Should().BeEmpty();
    }
}
