//! A prompt's Markdown ([`crate::markdown`]'s tree) as virtual DOM nodes: text stays text, and
//! links keep only their vetted targets.

use yew::{Html, html};

use crate::markdown::{self, Block, Inline};

/// A prompt's Markdown as DOM nodes.
pub fn render_markdown(text: &str) -> Html {
    markdown::parse(text).iter().map(render_block).collect()
}

fn render_block(block: &Block) -> Html {
    match block {
        Block::Paragraph(inlines) => html! { <p>{ render_inlines(inlines) }</p> },
        Block::List { ordered: true, start, items } => html! {
            <ol start={start.to_string()}>{ for items.iter().map(|item| html! { <li>{ render_inlines(item) }</li> }) }</ol>
        },
        Block::List { ordered: false, items, .. } => html! {
            <ul>{ for items.iter().map(|item| html! { <li>{ render_inlines(item) }</li> }) }</ul>
        },
    }
}

fn render_inlines(inlines: &[Inline]) -> Html {
    inlines.iter().map(render_inline).collect()
}

fn render_inline(inline: &Inline) -> Html {
    match inline {
        Inline::Text(text) => html! { { text } },
        Inline::Strong(children) => html! { <strong>{ render_inlines(children) }</strong> },
        Inline::Emphasis(children) => html! { <em>{ render_inlines(children) }</em> },
        Inline::Code(text) => html! { <code>{ text }</code> },
        Inline::Link { href, children } => html! {
            <a href={href.clone()} target="_blank" rel="noopener noreferrer nofollow">{ render_inlines(children) }</a>
        },
        Inline::LineBreak => html! { <br/> },
    }
}
