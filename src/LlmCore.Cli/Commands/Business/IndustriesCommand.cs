using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Industries;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Business;

/// <summary><c>llmcore business industries</c>: lists the industry catalogue.</summary>
internal static class IndustriesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("industries", "List the industries 'business analyze' knows, with their regulations and data sensitivity.");
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            using var provider = BusinessServices.Build();
            var industries = provider.GetRequiredService<IIndustryCatalog>().Industries;
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    industries = industries.Select(static i => new
                    {
                        i.Name,
                        i.DisplayName,
                        i.Aliases,
                        i.UseCases,
                        regulations = i.Regulations.Select(static r => r.Name),
                        dataSensitivity = i.DataSensitivity.ToString(),
                        euAiActRiskClass = i.EuAiActRiskClass.ToString(),
                        willingnessToPay = i.WillingnessToPay.ToString(),
                        i.SeatPriceUsdPerMonth,
                        i.PricePerRequestUsd,
                        i.SalesCycleMonths,
                    }),
                });
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("name").AddColumn("industry").AddColumn("data").AddColumn("EU AI Act").AddColumn("willingness to pay").AddColumn("regulations");
            foreach (var i in industries)
            {
                table.AddRow(
                    Markup.Escape(i.Name),
                    Markup.Escape(i.DisplayName),
                    i.DataSensitivity.ToString(),
                    i.EuAiActRiskClass.ToString(),
                    i.WillingnessToPay.ToString(),
                    Markup.Escape(string.Join("; ", i.Regulations.Select(static r => r.Name.Split(' ', 2)[0]))));
            }

            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }
}
